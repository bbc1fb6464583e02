// Throughput of the SQL classifier and fingerprint on typical OLTP statements (the target is at
// least 50,000 statements per second per core) and on a heavier migration script.
#include <benchmark/benchmark.h>

#include <array>
#include <string_view>

#include "drawbridge/classify.h"

namespace {

using drawbridge::classify::ClassifySql;
using drawbridge::classify::Digest;
using drawbridge::classify::FingerprintSql;
using drawbridge::classify::SqlSession;

constexpr std::array<std::string_view, 8> kOltpStatements = {
    "SELECT id, name, email FROM users WHERE id = $1",
    "INSERT INTO orders (user_id, total, created_at) VALUES ($1, $2, now())",
    "UPDATE users SET last_seen = now() WHERE id = $1",
    "SELECT o.id, o.total, u.name FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = $1",
    "DELETE FROM sessions WHERE token = $1",
    "SELECT count(*) FROM order_items WHERE order_id = 42 AND status = 'shipped'",
    "UPDATE accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1",
    "INSERT INTO events (kind, payload) VALUES ('login', '{\"ip\": \"10.0.0.1\"}') ON CONFLICT "
    "DO NOTHING",
};

constexpr std::string_view kMigration = R"sql(
BEGIN;
CREATE TABLE invoices (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, total numeric(12,2),
                       created_at timestamptz DEFAULT now());
CREATE INDEX invoices_customer ON invoices (customer_id);
ALTER TABLE customers ADD COLUMN billing_email text;
CREATE INDEX CONCURRENTLY customers_billing_email ON customers (billing_email);
UPDATE customers SET billing_email = email WHERE billing_email IS NULL AND id < 100000;
GRANT SELECT ON invoices TO reporting;
COMMIT;
)sql";

void BM_ClassifyOltp(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    auto result = ClassifySql(kOltpStatements[i++ % kOltpStatements.size()]);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifyOltp);

void BM_FingerprintOltp(benchmark::State& state) {
  const SqlSession session{.database = "shop", .role = "app", .search_path = "public"};
  Digest digest{};
  size_t i = 0;
  for (auto _ : state) {
    bool ok = FingerprintSql(kOltpStatements[i++ % kOltpStatements.size()], session, digest);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(digest);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FingerprintOltp);

void BM_ClassifyMigrationScript(benchmark::State& state) {
  for (auto _ : state) {
    auto result = ClassifySql(kMigration);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifyMigrationScript);

}  // namespace

BENCHMARK_MAIN();
