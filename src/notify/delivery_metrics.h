// Webhook delivery counters as Prometheus text, for GET /metrics. Pure, thread-safe.
#pragma once

#include <string>

#include "notify/outbox_deliverer.h"

namespace drawbridge::notify {

// Appends, with # HELP and # TYPE lines:
//   drawbridge_webhook_deliveries_total    webhook requests answered 2xx
//   drawbridge_webhook_failures_total      failed webhook attempts
//   drawbridge_webhook_dead_letters_total  outbox messages given up on
//   drawbridge_webhook_unrouted_total      outbox messages that matched no route
void AppendDeliveryMetrics(const DeliveryCounters& counters, std::string& out);

}  // namespace drawbridge::notify
