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

// How often RunOnce looks at the stop flag while its posts are in flight (Stop also wakes it).
constexpr std::chrono::milliseconds kStopCheckInterval{100};
// How long the background thread lets settled messages wait before recording them together.
constexpr std::chrono::milliseconds kRecordInterval{100};

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

OutboxDeliverer::OutboxDeliverer(Store& store, const WallClock& clock, DelivererOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      routes_(std::make_shared<const RouteMap>()),
      jitter_(SeedFrom(options_.jitter_seed)),
      poster_(options_.http) {}

OutboxDeliverer::~OutboxDeliverer() {
  Stop();
}

void OutboxDeliverer::SetTenantRoutes(
    std::map<std::string, std::vector<policy::NotificationRoute>> by_tenant) {
  for (const auto& [tenant, routes] : by_tenant) WarnMissingSecrets(routes, tenant);
  auto shared = std::make_shared<const RouteMap>(std::move(by_tenant));
  std::lock_guard<std::mutex> lock(routes_mu_);
  routes_ = std::move(shared);
}

void OutboxDeliverer::SetRoutes(std::vector<policy::NotificationRoute> routes,
                                const std::string& tenant) {
  WarnMissingSecrets(routes, tenant);
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
  Emit(line);
  report.problems.push_back(std::move(line));
}

void OutboxDeliverer::Emit(const std::string& line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::cerr << "drawbridge notify: " << line << '\n';
  }
}

void OutboxDeliverer::WarnMissingSecrets(const std::vector<policy::NotificationRoute>& routes,
                                         const std::string& tenant) {
  for (const policy::NotificationRoute& route : routes) {
    const policy::Webhook& hook = route.webhook;
    if (hook.secret_env.empty()) continue;
    const std::string key = WebhookKey(hook);
    if (SecretFromEnv(hook.secret_env)) {
      SecretFound(key);
    } else if (FirstMissingSecret(key)) {
      Emit("webhook to " + RedactUrl(hook.url) + " (tenant " + tenant + "): environment variable " +
           hook.secret_env +
           " (secret_env) is unset or empty; its events are not sent unsigned but retried with "
           "backoff, and dead-lettered once they run out of attempts or age, until the server is "
           "started with it (logged once; every failed attempt is counted in "
           "drawbridge_webhook_failures_total)");
    }
  }
}

bool OutboxDeliverer::FirstMissingSecret(const std::string& webhook_key) {
  std::lock_guard<std::mutex> lock(missing_secret_mu_);
  return missing_secret_logged_.insert(webhook_key).second;
}

void OutboxDeliverer::SecretFound(const std::string& webhook_key) {
  std::lock_guard<std::mutex> lock(missing_secret_mu_);
  missing_secret_logged_.erase(webhook_key);
}

StatusOr<DeliveryReport> OutboxDeliverer::RunOnce() {
  std::lock_guard<std::mutex> run_lock(run_mu_);
  StatusOr<size_t> taken = TakeDue();
  if (!taken.ok()) return taken.status();
  // Messages with nothing to send are recorded before the posts start; the posted ones together
  // when the batch is settled. A batch is two store writes, not one durable write per message.
  Record();
  while (!in_flight_.empty()) {
    if (stopping_.load()) poster_.CancelAll();
    poster_.Drive(kStopCheckInterval);
  }
  Record();
  return std::exchange(report_, DeliveryReport{});
}

StatusOr<size_t> OutboxDeliverer::TakeDue() {
  Record();
  if (poster_.InFlight() >= options_.max_in_flight) return 0;
  std::shared_ptr<const RouteMap> routes_by_tenant;
  {
    std::lock_guard<std::mutex> lock(routes_mu_);
    routes_by_tenant = routes_;
  }
  static const std::vector<policy::NotificationRoute> kNoRoutes;
  const int64_t now = clock_.NowSeconds();
  // Messages in flight are still due, so read past them.
  StatusOr<std::vector<OutboxMessage>> due =
      store_.DueOutbox(now, options_.batch_size + in_flight_.size());
  if (!due.ok()) return due.status().WithContext("reading the notification outbox");

  size_t taken = 0;
  for (OutboxMessage& message : *due) {
    if (taken == options_.batch_size) break;
    if (in_flight_.contains(message.id)) continue;
    ++taken;
    ++report_.messages;
    const int64_t id = message.id;
    Pending& p = in_flight_[id];
    p.message = std::move(message);
    StatusOr<WebhookEvent> event = ParseOutboxMessage(p.message);
    if (!event.ok()) {
      p.failed = p.permanent = true;
      failures_.fetch_add(1);
      ++report_.failures;
      Log(report_, event.status().message());
      Finish(p, now);
      continue;
    }
    auto tenant_routes = routes_by_tenant->find(p.message.tenant);
    const std::vector<policy::NotificationRoute>& routes =
        tenant_routes == routes_by_tenant->end() ? kNoRoutes : tenant_routes->second;
    const std::vector<size_t> matches = MatchingRoutes(routes, p.message.event_type);
    if (matches.empty()) {
      ++report_.unrouted;
      unrouted_.fetch_add(1);
      Finish(p, now);
      continue;
    }
    const std::set<std::string>* already = nullptr;
    if (auto it = partial_.find(id); it != partial_.end()) already = &it->second;
    const std::string label = "outbox message " + std::to_string(id);
    for (size_t r : matches) {
      const policy::Webhook& hook = routes[r].webhook;
      std::string key = WebhookKey(hook);
      if (already != nullptr && already->contains(key)) continue;
      std::string where = RedactUrl(hook.url);
      StatusOr<WebhookFormat> format = ParseWebhookFormat(hook.format);
      std::optional<std::string> secret;
      if (!hook.secret_env.empty()) secret = SecretFromEnv(hook.secret_env);
      std::string refusal;
      bool logged_before = false;
      if (!format.ok()) {
        refusal = format.status().message();
      } else if (!hook.secret_env.empty() && !secret) {
        refusal = "environment variable " + hook.secret_env +
                  " (secret_env) is unset or empty; not sending unsigned";
        logged_before = !FirstMissingSecret(key);
      } else if (secret) {
        SecretFound(key);
      }
      if (!refusal.empty()) {
        p.failed = true;
        failures_.fetch_add(1);
        ++report_.failures;
        std::string line = label + " to " + where + ": " + refusal;
        if (logged_before) {
          report_.problems.push_back(std::move(line));
        } else {
          Log(report_, std::move(line));
        }
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
      ++report_.requests;
      ++p.outstanding;
      poster_.Add(std::move(post), [this, id, key = std::move(key),
                                    where = std::move(where)](const HttpOutcome& outcome) mutable {
        OnPostDone(id, std::move(key), where, outcome);
      });
    }
    if (p.outstanding == 0) Finish(p, now);
  }
  return taken;
}

void OutboxDeliverer::OnPostDone(int64_t message_id, std::string key, const std::string& where,
                                 const HttpOutcome& outcome) {
  auto it = in_flight_.find(message_id);
  if (it == in_flight_.end()) return;
  Pending& p = it->second;
  if (outcome.cancelled) {
    p.interrupted = true;
  } else if (outcome.Succeeded()) {
    deliveries_.fetch_add(1);
    p.delivered_keys.push_back(std::move(key));
  } else {
    p.failed = true;
    failures_.fetch_add(1);
    ++report_.failures;
    std::string why =
        outcome.error.empty() ? "answered HTTP " + std::to_string(outcome.status) : outcome.error;
    Log(report_, "outbox message " + std::to_string(message_id) + " to " + where + ": " + why +
                     " after " + std::to_string(outcome.elapsed_ms) + " ms");
  }
  if (--p.outstanding == 0) Finish(p, clock_.NowSeconds());
}

void OutboxDeliverer::Record() {
  if (marks_.empty()) return;
  Status marked = store_.MarkOutbox(marks_);
  if (!marked.ok()) {
    Log(report_,
        "recording " + std::to_string(marks_.size()) + " outbox message(s): " + marked.ToString());
  }
  marks_.clear();
}

void OutboxDeliverer::Finish(Pending& p, int64_t now) {
  const int64_t id = p.message.id;
  if (p.interrupted) {
    // Left due as it was, so the next run (maybe in the next process) sends it at once.
    ++report_.interrupted;
    RememberDelivered(p);
    in_flight_.erase(id);
    return;
  }
  int64_t next_attempt_at = now;
  const bool delivered = !p.failed;
  if (p.failed) {
    const int failed_attempts = p.message.attempts + 1;
    const bool too_old = now - p.message.created_at >= options_.max_age_seconds;
    if (p.permanent || failed_attempts >= options_.max_attempts || too_old) {
      next_attempt_at = kDeadLetterAt;
      ++report_.dead_lettered;
      dead_letters_.fetch_add(1);
      Log(report_, "outbox message " + std::to_string(id) + " (" + p.message.event_type +
                       ") dead-lettered after " + std::to_string(failed_attempts) +
                       " failed attempt(s)");
    } else {
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      // Counted from the next whole second, so the wait is never shorter than the delay.
      const int64_t from = (clock_.NowMillis() + 999) / 1000;
      next_attempt_at =
          from + BackoffDelaySeconds(failed_attempts, options_.backoff, unit(jitter_));
      ++report_.retrying;
    }
  } else {
    ++report_.delivered;
  }
  if (delivered || next_attempt_at == kDeadLetterAt) {
    partial_.erase(id);
  } else {
    RememberDelivered(p);
  }
  marks_.push_back({.id = id, .delivered = delivered, .next_attempt_at = next_attempt_at});
  in_flight_.erase(id);
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
  stopping_.store(true);
  poster_.Wakeup();
  thread_.join();
  stopping_.store(false);
}

void OutboxDeliverer::Wake() {
  // A wake-up already asked for and not yet taken will see this commit too.
  if (!wake_requested_.exchange(true)) poster_.Wakeup();
}

void OutboxDeliverer::Loop() {
  using Clock = std::chrono::steady_clock;
  using std::chrono::milliseconds;
  Clock::time_point next_take = Clock::now();
  Clock::time_point last_record = Clock::now();
  // Due messages may be waiting: after a Wake or a full batch, until a take comes back short.
  bool more_due = true;
  while (!stopping_.load()) {
    std::lock_guard<std::mutex> run_lock(run_mu_);
    if (wake_requested_.exchange(false)) more_due = true;
    const bool room = poster_.InFlight() < options_.max_in_flight;
    Clock::time_point now = Clock::now();
    if (room && (more_due || now >= next_take)) {
      StatusOr<size_t> taken = TakeDue();  // records settled messages first
      if (!taken.ok()) Log(report_, taken.status().ToString());
      more_due = taken.ok() && *taken == options_.batch_size;
      next_take = now + options_.poll_interval;
      last_record = now;
    } else if (!marks_.empty() && (in_flight_.empty() || now - last_record >= kRecordInterval)) {
      Record();
      last_record = now;
    }
    report_ = {};  // every problem was logged as it happened
    // Without room, a finishing post wakes the wait and makes room.
    milliseconds wait = std::chrono::duration_cast<milliseconds>(next_take - Clock::now());
    if (more_due && poster_.InFlight() < options_.max_in_flight) wait = milliseconds(0);
    if (!marks_.empty()) wait = std::min(wait, kRecordInterval);
    poster_.Drive(std::max(wait, milliseconds(0)));
  }
  std::lock_guard<std::mutex> run_lock(run_mu_);
  poster_.CancelAll();
  Record();
  report_ = {};
}

}  // namespace drawbridge::notify
