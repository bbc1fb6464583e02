#include "notify/outbox_deliverer.h"

#include <pthread.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <utility>

#include "notify/route_match.h"
#include "notify/signature.h"
#include "notify/webhook_payload.h"

namespace drawbridge::notify {
namespace {

// Partially delivered messages remembered at most; beyond it the oldest are forgotten (their
// routes may then be sent the message again, which at-least-once allows).
constexpr size_t kMaxPartialMessages = 10000;

uint64_t SeedFrom(uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device device;
  return (uint64_t{device()} << 32) ^ device();
}

// The secret named by `env`, or nullopt when the variable is unset or empty.
std::optional<std::string> SecretFromEnv(const std::string& env) {
  const char* value = std::getenv(env.c_str());
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

}  // namespace

// One due message on its way through a batch.
struct OutboxDeliverer::Pending {
  OutboxMessage message;
  size_t outstanding = 0;                   // posts not yet finished
  bool failed = false;                      // some route failed this time
  bool permanent = false;                   // cannot ever succeed (bad payload)
  bool interrupted = false;                 // Stop() cut a post short
  std::vector<std::string> delivered_keys;  // routes that answered 2xx this time
};

OutboxDeliverer::OutboxDeliverer(Store& store, const WallClock& clock, DelivererOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      routes_(std::make_shared<const RouteMap>()),
      jitter_(SeedFrom(options_.jitter_seed)) {}

OutboxDeliverer::~OutboxDeliverer() {
  Stop();
}

void OutboxDeliverer::SetTenantRoutes(
    std::map<std::string, std::vector<policy::NotificationRoute>> by_tenant) {
  auto shared = std::make_shared<const RouteMap>(std::move(by_tenant));
  std::lock_guard<std::mutex> lock(routes_mu_);
  routes_ = std::move(shared);
}

void OutboxDeliverer::SetRoutes(std::vector<policy::NotificationRoute> routes,
                                const std::string& tenant) {
  std::lock_guard<std::mutex> lock(routes_mu_);
  auto updated = std::make_shared<RouteMap>(*routes_);
  (*updated)[tenant] = std::move(routes);
  routes_ = std::move(updated);
}

DeliveryCounters OutboxDeliverer::Counters() const {
  return {.deliveries = deliveries_.load(),
          .failures = failures_.load(),
          .dead_letters = dead_letters_.load(),
          .unrouted = unrouted_.load()};
}

void OutboxDeliverer::Log(DeliveryReport& report, std::string line) {
  if (options_.log) {
    options_.log(line);
  } else {
    std::cerr << "drawbridge notify: " << line << '\n';
  }
  report.problems.push_back(std::move(line));
}

StatusOr<DeliveryReport> OutboxDeliverer::RunOnce() {
  std::lock_guard<std::mutex> run_lock(run_mu_);
  std::shared_ptr<const RouteMap> routes_by_tenant;
  {
    std::lock_guard<std::mutex> lock(routes_mu_);
    routes_by_tenant = routes_;
  }
  static const std::vector<policy::NotificationRoute> kNoRoutes;
  const int64_t now = clock_.NowSeconds();
  StatusOr<std::vector<OutboxMessage>> due = store_.DueOutbox(now, options_.batch_size);
  if (!due.ok()) return due.status().WithContext("reading the notification outbox");

  DeliveryReport report;
  report.messages = due->size();
  std::vector<Pending> pending(due->size());
  std::vector<HttpPost> posts;
  struct Target {
    size_t message;
    std::string key;
    std::string where;  // redacted URL, for messages
  };
  std::vector<Target> targets;

  for (size_t m = 0; m < due->size(); ++m) {
    Pending& p = pending[m];
    p.message = std::move((*due)[m]);
    const std::string label = "outbox message " + std::to_string(p.message.id);
    StatusOr<WebhookEvent> event = ParseOutboxMessage(p.message);
    if (!event.ok()) {
      p.failed = p.permanent = true;
      failures_.fetch_add(1);
      ++report.failures;
      Log(report, event.status().message());
      continue;
    }
    auto tenant_routes = routes_by_tenant->find(p.message.tenant);
    const std::vector<policy::NotificationRoute>& routes =
        tenant_routes == routes_by_tenant->end() ? kNoRoutes : tenant_routes->second;
    const std::vector<size_t> matches = MatchingRoutes(routes, p.message.event_type);
    if (matches.empty()) {
      ++report.unrouted;
      unrouted_.fetch_add(1);
      continue;
    }
    const std::set<std::string>* already = nullptr;
    if (auto it = partial_.find(p.message.id); it != partial_.end()) already = &it->second;
    for (size_t r : matches) {
      const policy::Webhook& hook = routes[r].webhook;
      std::string key = WebhookKey(hook);
      if (already != nullptr && already->contains(key)) continue;
      std::string where = RedactUrl(hook.url);
      StatusOr<WebhookFormat> format = ParseWebhookFormat(hook.format);
      std::optional<std::string> secret;
      if (!hook.secret_env.empty()) secret = SecretFromEnv(hook.secret_env);
      std::string refusal;
      if (!format.ok()) {
        refusal = format.status().message();
      } else if (!hook.secret_env.empty() && !secret) {
        refusal = "environment variable " + hook.secret_env +
                  " (secret_env) is unset or empty; not sending unsigned";
      }
      if (!refusal.empty()) {
        p.failed = true;
        failures_.fetch_add(1);
        ++report.failures;
        Log(report, label + " to " + where + ": " + refusal);
        continue;
      }
      HttpPost post;
      post.url = hook.url;
      post.body = FormatWebhookBody(*event, *format);
      const int64_t timestamp = clock_.NowSeconds();
      post.headers = {{std::string(kEventIdHeader), event->id},
                      {std::string(kEventTypeHeader), event->event.type},
                      {std::string(kTimestampHeader), std::to_string(timestamp)}};
      if (secret) {
        post.headers.emplace_back(std::string(kSignatureHeader),
                                  SignWebhook(*secret, timestamp, post.body));
      }
      posts.push_back(std::move(post));
      targets.push_back({m, std::move(key), std::move(where)});
      ++p.outstanding;
    }
  }
  report.requests = posts.size();

  // Messages with nothing to send (unrouted, refused, bad payload) are finished now, and recorded
  // before the posts start; the others as their last post comes back, recorded together when
  // the batch ends. A round is one store write, not one durable write per message.
  std::vector<OutboxMark> marks;
  for (Pending& p : pending) {
    if (p.outstanding == 0) Finish(p, now, report, marks);
  }
  Record(marks, report);
  PostConcurrently(posts, options_.http, &stopping_, [&](size_t i, const HttpOutcome& outcome) {
    Target& target = targets[i];
    Pending& p = pending[target.message];
    if (outcome.cancelled) {
      p.interrupted = true;
    } else if (outcome.Succeeded()) {
      deliveries_.fetch_add(1);
      p.delivered_keys.push_back(std::move(target.key));
    } else {
      p.failed = true;
      failures_.fetch_add(1);
      ++report.failures;
      std::string why =
          outcome.error.empty() ? "answered HTTP " + std::to_string(outcome.status) : outcome.error;
      Log(report, "outbox message " + std::to_string(p.message.id) + " to " + target.where + ": " +
                      why + " after " + std::to_string(outcome.elapsed_ms) + " ms");
    }
    if (--p.outstanding == 0) Finish(p, clock_.NowSeconds(), report, marks);
  });
  Record(marks, report);
  return report;
}

void OutboxDeliverer::Record(std::vector<OutboxMark>& marks, DeliveryReport& report) {
  if (marks.empty()) return;
  Status marked = store_.MarkOutbox(marks);
  if (!marked.ok()) {
    Log(report,
        "recording " + std::to_string(marks.size()) + " outbox message(s): " + marked.ToString());
  }
  marks.clear();
}

void OutboxDeliverer::Finish(Pending& p, int64_t now, DeliveryReport& report,
                             std::vector<OutboxMark>& marks) {
  const int64_t id = p.message.id;
  if (p.interrupted) {
    // Left due as it was, so the next run (maybe in the next process) sends it at once.
    ++report.interrupted;
    RememberDelivered(p);
    return;
  }
  int64_t next_attempt_at = now;
  bool delivered = !p.failed;
  if (p.failed) {
    const int failed_attempts = p.message.attempts + 1;
    const bool too_old = now - p.message.created_at >= options_.max_age_seconds;
    if (p.permanent || failed_attempts >= options_.max_attempts || too_old) {
      next_attempt_at = kDeadLetterAt;
      ++report.dead_lettered;
      dead_letters_.fetch_add(1);
      Log(report, "outbox message " + std::to_string(id) + " (" + p.message.event_type +
                      ") dead-lettered after " + std::to_string(failed_attempts) +
                      " failed attempt(s)");
    } else {
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      next_attempt_at = now + BackoffDelaySeconds(failed_attempts, options_.backoff, unit(jitter_));
      ++report.retrying;
    }
  } else {
    ++report.delivered;
  }
  if (delivered || next_attempt_at == kDeadLetterAt) {
    partial_.erase(id);
  } else {
    RememberDelivered(p);
  }
  marks.push_back({.id = id, .delivered = delivered, .next_attempt_at = next_attempt_at});
}

void OutboxDeliverer::RememberDelivered(const Pending& p) {
  if (p.delivered_keys.empty()) return;
  auto it = partial_.find(p.message.id);
  if (it == partial_.end()) {
    if (partial_.size() >= kMaxPartialMessages) partial_.erase(partial_.begin());
    it = partial_.emplace(p.message.id, std::set<std::string>()).first;
  }
  it->second.insert(p.delivered_keys.begin(), p.delivered_keys.end());
}

void OutboxDeliverer::Start() {
  std::lock_guard<std::mutex> lock(thread_mu_);
  if (thread_.joinable()) return;
  stopping_.store(false);
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "db-deliver");
    Loop();
  });
}

void OutboxDeliverer::Stop() {
  std::lock_guard<std::mutex> lock(thread_mu_);
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> wake_lock(wake_mu_);
    stopping_.store(true);
  }
  wake_cv_.notify_all();
  thread_.join();
  stopping_.store(false);
}

void OutboxDeliverer::Wake() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    wake_requested_ = true;
  }
  wake_cv_.notify_all();
}

void OutboxDeliverer::Loop() {
  while (!stopping_.load()) {
    bool full_batch = false;
    StatusOr<DeliveryReport> report = RunOnce();
    if (!report.ok()) {
      DeliveryReport unused;
      Log(unused, report.status().ToString());
    } else {
      // A full, trouble-free batch suggests a backlog: take the next one without waiting.
      full_batch = report->messages > 0 && report->messages >= options_.batch_size &&
                   report->problems.empty() && report->interrupted == 0;
    }
    std::unique_lock<std::mutex> lock(wake_mu_);
    if (!full_batch) {
      wake_cv_.wait_for(lock, options_.poll_interval,
                        [this] { return wake_requested_ || stopping_.load(); });
    }
    wake_requested_ = false;
  }
}

}  // namespace drawbridge::notify
