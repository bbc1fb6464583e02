#include "notify/delivery_metrics.h"

#include <cstdint>
#include <string_view>

namespace drawbridge::notify {
namespace {

void AppendCounter(std::string& out, std::string_view name, std::string_view help, uint64_t value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" counter\n");
  out.append(name).append(" ").append(std::to_string(value)).append("\n");
}

}  // namespace

void AppendDeliveryMetrics(const DeliveryCounters& counters, std::string& out) {
  AppendCounter(out, "drawbridge_webhook_deliveries_total", "Webhook requests answered 2xx.",
                counters.deliveries);
  AppendCounter(out, "drawbridge_webhook_failures_total",
                "Webhook attempts that failed (non-2xx answer, transport error, timeout, or "
                "missing signing secret).",
                counters.failures);
  AppendCounter(out, "drawbridge_webhook_dead_letters_total",
                "Outbox messages given up on after too many failed attempts or too long.",
                counters.dead_letters);
  AppendCounter(out, "drawbridge_webhook_unrouted_total",
                "Outbox messages that matched no notification route.", counters.unrouted);
}

}  // namespace drawbridge::notify
