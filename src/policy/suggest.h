// "Did you mean" suggestions for misspelt keys, names and fact names. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drawbridge::policy {

// Edit distance: insert, delete, substitute or swap two adjacent characters, each costing 1.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, when it is close enough to be a plausible typo (at most a
// third of the word's length, and at least 1, edits away). Ties go to the earlier candidate.
std::optional<std::string> NearestName(std::string_view word,
                                       const std::vector<std::string_view>& candidates);
std::optional<std::string> NearestName(std::string_view word,
                                       const std::vector<std::string>& candidates);

// "; did you mean 'x'?" or "" when nothing is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates);
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

// "'a', 'b' or 'c'" for messages that list the accepted values.
std::string QuotedList(const std::vector<std::string_view>& items);

}  // namespace drawbridge::policy
