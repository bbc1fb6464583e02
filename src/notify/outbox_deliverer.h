// OutboxDeliverer: sends the notification outbox to the webhooks the policy routes it to.
//
// Every workflow transition writes its notify-worthy events to the outbox in the same transaction
// as the transition, so approvals never wait on a webhook: this class reads what is due, posts
// it, and records the outcome. Delivery is at least once: a message is marked delivered only
// after every route it matches answered 2xx, so a receiver may see an event again (after a crash,
// or when another route of the same event failed and this process restarted) and must drop
// duplicates by the X-Drawbridge-Event-Id header. Within one process a route that already took a
// message is not sent it again when the message is retried for another route.
//
// Failures (a non-2xx answer, a transport error, a timeout, or a route whose secret_env names an
// unset variable: Drawbridge never sends unsigned what was meant to be signed) are retried with
// capped exponential backoff and jitter (notify/backoff.h). After max_attempts failed attempts or
// max_age_seconds, a message is dead-lettered: left undelivered with next_attempt_at =
// kDeadLetterAt, logged and counted. Posts run concurrently on one long-lived poster
// (notify/http_post.h), and the background thread takes newly due messages while others are
// still in flight, so a receiver that never answers holds only its own messages, for its own
// timeout. A message that matches no route is marked delivered. Formats and headers:
// notify/webhook_payload.h, notify/signature.h, docs/WEBHOOKS.md.
//
// Thread-safety: every method may be called from any thread. RunOnce calls are serialised; the
// background thread (Start) calls RunOnce too.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "drawbridge/clock.h"
#include "drawbridge/status.h"
#include "drawbridge/store.h"
#include "notify/backoff.h"
#include "notify/http_post.h"
#include "policy/document.h"

namespace drawbridge::notify {

// next_attempt_at of a dead-lettered message: undelivered, never due again. An operator can
// requeue it by setting next_attempt_at back to a past time.
inline constexpr int64_t kDeadLetterAt = std::numeric_limits<int64_t>::max();

struct DelivererOptions {
  size_t batch_size = 100;     // messages taken from the outbox at a time
  size_t max_in_flight = 256;  // posts running at once; no more messages are taken beyond it
  HttpPostOptions http;        // connect/total timeouts, User-Agent
  BackoffOptions backoff;
  int max_attempts = 30;                // failed attempts before a message is dead-lettered
  int64_t max_age_seconds = 24 * 3600;  // age (from created_at) after which a failure is final
  std::chrono::milliseconds poll_interval{1000};  // background wake-up without Wake()
  // Receives one line per problem (never a secret or a URL path). Unset: standard error.
  std::function<void(std::string_view line)> log;
  // Seeds the backoff jitter; 0 seeds from std::random_device.
  uint64_t jitter_seed = 0;
};

// Totals since construction, for /metrics.
struct DeliveryCounters {
  uint64_t deliveries = 0;    // webhook requests answered 2xx
  uint64_t failures = 0;      // webhook attempts that failed (answer, transport, missing secret)
  uint64_t dead_letters = 0;  // messages given up on
  uint64_t unrouted = 0;      // messages that matched no route
};

// What one RunOnce did.
struct DeliveryReport {
  size_t messages = 0;                // outbox messages that were due
  size_t delivered = 0;               // marked delivered (including unrouted ones)
  size_t unrouted = 0;                // matched no route
  size_t retrying = 0;                // rescheduled after a failure
  size_t dead_lettered = 0;           // given up on
  size_t interrupted = 0;             // left untouched because Stop() interrupted their delivery
  size_t requests = 0;                // webhook requests sent
  size_t failures = 0;                // failed attempts, including ones refused before sending
  std::vector<std::string> problems;  // one line each, as logged
};

class OutboxDeliverer {
 public:
  OutboxDeliverer(Store& store, const WallClock& clock, DelivererOptions options = {});
  ~OutboxDeliverer();  // stops the background thread

  OutboxDeliverer(const OutboxDeliverer&) = delete;
  OutboxDeliverer& operator=(const OutboxDeliverer&) = delete;

  // Routes are per tenant: a message goes only to the routes of its own tenant's policy, and a
  // message of a tenant without routes is unrouted (marked delivered). Both take effect at the
  // next batch.
  // Replaces every tenant's routes (on start and on policy reload).
  void SetTenantRoutes(std::map<std::string, std::vector<policy::NotificationRoute>> by_tenant);
  // Replaces one tenant's routes, leaving the others.
  void SetRoutes(std::vector<policy::NotificationRoute> routes,
                 const std::string& tenant = "default");

  // Delivers what is due now, one batch of at most batch_size messages, and returns when all of
  // them are settled. Fails only when the outbox cannot be read; per-message problems are in the
  // report. Not for use while the background thread runs.
  StatusOr<DeliveryReport> RunOnce();

  // Delivers on a background thread: takes due messages every poll_interval, at once after
  // Wake(), and again without waiting while batches come back full, while earlier posts are
  // still in flight. Finished messages are recorded at most every 100 ms, and always before the
  // outbox is read again. Start on a started deliverer does nothing.
  void Start();
  // Interrupts the posts in flight (their messages stay due), records what finished and joins the
  // thread; returns within about 100 ms plus the time to record.
  void Stop();
  // Asks the background thread for a batch now (call after committing outbox rows).
  void Wake();

  DeliveryCounters Counters() const;

 private:
  // One due message on its way through delivery.
  struct Pending {
    OutboxMessage message;
    size_t outstanding = 0;                   // posts not yet finished
    bool failed = false;                      // some route failed this time
    bool permanent = false;                   // cannot ever succeed (bad payload)
    bool interrupted = false;                 // Stop() cut a post short
    std::vector<std::string> delivered_keys;  // routes that answered 2xx this time
  };

  void Log(DeliveryReport& report, std::string line);
  void Emit(const std::string& line) const;
  // Logs, once per webhook until its secret is seen again, that its secret_env is unset: the
  // failure repeats on every retry of every event, and the log would say only that.
  void WarnMissingSecrets(const std::vector<policy::NotificationRoute>& routes,
                          const std::string& tenant);
  bool FirstMissingSecret(const std::string& webhook_key);
  void SecretFound(const std::string& webhook_key);
  // Takes up to batch_size due messages that are not in flight and starts their posts; settles
  // the ones with nothing to send. Records finished messages first, so none is read back as due.
  // Returns how many messages it took.
  StatusOr<size_t> TakeDue();
  void OnPostDone(int64_t message_id, std::string key, const std::string& where,
                  const HttpOutcome& outcome);
  // Settles a message whose posts are all done; its attempt joins marks_.
  void Finish(Pending& pending, int64_t now);
  // Writes marks_ in one store write, then clears them.
  void Record();
  void RememberDelivered(const Pending& pending);
  void Loop();

  Store& store_;
  const WallClock& clock_;
  const DelivererOptions options_;

  using RouteMap = std::map<std::string, std::vector<policy::NotificationRoute>>;
  mutable std::mutex routes_mu_;
  std::shared_ptr<const RouteMap> routes_;  // replaced whole, so a batch keeps a consistent view

  std::mutex missing_secret_mu_;
  std::set<std::string> missing_secret_logged_;  // webhook keys

  std::mutex run_mu_;  // serialises RunOnce and the background thread; guards the members below
  std::mt19937_64 jitter_;
  // Routes that took a message that is still undelivered (message id -> webhook keys).
  std::map<int64_t, std::set<std::string>> partial_;
  std::map<int64_t, Pending> in_flight_;  // messages with posts running, by id
  std::vector<OutboxMark> marks_;         // settled, not yet recorded
  DeliveryReport report_;                 // what happened since it was last taken
  HttpPoster poster_;

  std::atomic<uint64_t> deliveries_{0};
  std::atomic<uint64_t> failures_{0};
  std::atomic<uint64_t> dead_letters_{0};
  std::atomic<uint64_t> unrouted_{0};

  std::mutex thread_mu_;  // guards thread_ (Start/Stop)
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> wake_requested_{false};
};

}  // namespace drawbridge::notify
