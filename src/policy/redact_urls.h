// Hiding the webhook URLs of a policy file's text from readers who may see the policy but not
// its secrets: a Slack-style webhook URL carries its secret in the path. Each
// `notifications[].webhook.url` scalar is found through the YAML parser's marks (not by pattern
// matching the text) and replaced in place by `redact(url)`, in the scalar's own quoting style;
// everything else (comments, layout, other values) is left byte for byte as written. Pure;
// thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::policy {

// The text with every webhook URL replaced by redact(url). kInvalidArgument when the text is
// not YAML or a URL could not be located exactly (say a block scalar); the caller must then
// withhold the text rather than show it unredacted.
StatusOr<std::string> RedactWebhookUrls(std::string_view yaml_text,
                                        const std::function<std::string(std::string_view)>& redact);

}  // namespace drawbridge::policy
