#include "notify/http_post.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace drawbridge::notify {
namespace {

// How often the transfer loop looks at the cancel flag while waiting for sockets.
constexpr int kPollMillis = 100;

bool CurlReady() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result == CURLE_OK;
}

size_t DiscardBody(char*, size_t size, size_t count, void*) {
  return size * count;
}

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct MultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};

// One post in flight and everything libcurl points into while it runs.
struct Transfer {
  size_t index = 0;
  std::unique_ptr<CURL, EasyDeleter> easy;
  std::unique_ptr<curl_slist, ListDeleter> headers;
  char error[CURL_ERROR_SIZE] = {};
  bool added = false;
};

// Prepares `transfer`; an empty result means it is ready to add to the multi handle.
std::string Configure(Transfer& transfer, const HttpPost& post, const HttpPostOptions& options) {
  if (!IsHttpUrl(post.url)) return "only http:// and https:// webhook URLs are allowed";
  transfer.easy.reset(curl_easy_init());
  CURL* easy = transfer.easy.get();
  if (easy == nullptr) return "could not create an HTTP handle";
  auto add_header = [&](const std::string& line) {
    // Appending returns the head of the list, which is the one we own once there is one.
    curl_slist* head = curl_slist_append(transfer.headers.get(), line.c_str());
    if (head == nullptr) return false;
    if (transfer.headers == nullptr) transfer.headers.reset(head);
    return true;
  };
  if (!add_header("Content-Type: application/json") || !add_header("Expect:")) {
    return "out of memory building headers";
  }
  for (const auto& [name, value] : post.headers) {
    if (HasLineBreak(name) || HasLineBreak(value) || name.find(':') != std::string::npos) {
      return "refusing a header with a line break or a colon in its name";
    }
    if (!add_header(name + ": " + value)) return "out of memory building headers";
  }
  bool ok = true;
  auto set = [&](CURLcode code) { ok = ok && code == CURLE_OK; };
  set(curl_easy_setopt(easy, CURLOPT_URL, post.url.c_str()));
  set(curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L));
  set(curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(easy, CURLOPT_POST, 1L));
  set(curl_easy_setopt(easy, CURLOPT_POSTFIELDS, post.body.data()));
  set(curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(post.body.size())));
  set(curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer.headers.get()));
  set(curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str()));
  set(curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                       static_cast<long>(options.connect_timeout.count())));
  set(curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count())));
  set(curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &DiscardBody));
  set(curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error));
  set(curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer));
  if (!ok) return "could not configure the HTTP handle";
  return "";
}

HttpOutcome Finish(Transfer& transfer, CURLcode result) {
  HttpOutcome outcome;
  CURL* easy = transfer.easy.get();
  curl_off_t micros = 0;
  if (curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &micros) == CURLE_OK) {
    outcome.elapsed_ms = static_cast<int64_t>(micros / 1000);
  }
  if (result == CURLE_OK) {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &outcome.status);
  } else {
    outcome.error = curl_easy_strerror(result);
    // The error buffer can name the host and port, never the path or the body.
    if (transfer.error[0] != '\0') outcome.error += std::string(": ") + transfer.error;
  }
  return outcome;
}

}  // namespace

void PostConcurrently(std::span<const HttpPost> posts, const HttpPostOptions& options,
                      const std::atomic<bool>* cancel,
                      const std::function<void(size_t, const HttpOutcome&)>& on_done) {
  if (posts.empty()) return;
  auto fail_all = [&](const std::string& why) {
    for (size_t i = 0; i < posts.size(); ++i) on_done(i, HttpOutcome{.error = why});
  };
  if (!CurlReady()) return fail_all("libcurl failed to initialise");
  std::unique_ptr<CURLM, MultiDeleter> multi(curl_multi_init());
  if (multi == nullptr) return fail_all("could not create an HTTP multi handle");

  std::vector<std::unique_ptr<Transfer>> transfers;
  transfers.reserve(posts.size());
  size_t in_flight = 0;
  for (size_t i = 0; i < posts.size(); ++i) {
    auto& transfer = transfers.emplace_back(std::make_unique<Transfer>());
    transfer->index = i;
    std::string problem = Configure(*transfer, posts[i], options);
    if (problem.empty() && curl_multi_add_handle(multi.get(), transfer->easy.get()) != CURLM_OK) {
      problem = "could not start the HTTP transfer";
    }
    if (!problem.empty()) {
      on_done(i, HttpOutcome{.error = problem});
      continue;
    }
    transfer->added = true;
    ++in_flight;
  }

  while (in_flight > 0) {
    int running = 0;
    CURLMcode code = curl_multi_perform(multi.get(), &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      Transfer* transfer = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
      HttpOutcome outcome = Finish(*transfer, message->data.result);
      curl_multi_remove_handle(multi.get(), transfer->easy.get());
      transfer->added = false;
      --in_flight;
      on_done(transfer->index, outcome);
    }
    if (in_flight == 0) break;
    const bool stopping = cancel != nullptr && cancel->load();
    if (code != CURLM_OK || stopping) {
      for (auto& transfer : transfers) {
        if (!transfer->added) continue;
        curl_multi_remove_handle(multi.get(), transfer->easy.get());
        transfer->added = false;
        HttpOutcome outcome{.cancelled = stopping};
        if (!stopping) outcome.error = curl_multi_strerror(code);
        on_done(transfer->index, outcome);
      }
      break;
    }
    curl_multi_poll(multi.get(), nullptr, 0, kPollMillis, nullptr);
  }
}

std::string RedactUrl(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "(not a URL)";
  std::string_view rest = url.substr(scheme_end + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string out(url.substr(0, scheme_end + 3));
  out += authority;
  if (authority.size() < rest.size()) out += "/…";
  return out;
}

bool IsHttpUrl(std::string_view url) {
  auto starts_with = [&](std::string_view prefix) {
    return url.size() > prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), url.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  };
  return starts_with("http://") || starts_with("https://");
}

}  // namespace drawbridge::notify
