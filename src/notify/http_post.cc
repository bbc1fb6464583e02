#include "notify/http_post.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <thread>

namespace drawbridge::notify {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// One post and everything libcurl points into while it runs (the body is sent from `post`).
struct internal::PostTransfer {
  HttpPost post;
  HttpPoster::OnDone on_done;
  std::unique_ptr<CURL, EasyDeleter> easy;
  std::unique_ptr<curl_slist, ListDeleter> headers;
  char error[CURL_ERROR_SIZE] = {};
  std::string refused;  // why it never started; reported by the next Drive
  bool in_multi = false;
  std::list<std::unique_ptr<PostTransfer>>::iterator self;  // its place in the poster's list
};

namespace {

using Transfer = internal::PostTransfer;

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

// Prepares `transfer`; an empty result means it is ready to add to the multi handle.
std::string Configure(Transfer& transfer, const HttpPostOptions& options) {
  const HttpPost& post = transfer.post;
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

HttpPoster::HttpPoster(HttpPostOptions options) : options_(std::move(options)) {
  if (CurlReady()) multi_.reset(curl_multi_init());
}

HttpPoster::~HttpPoster() {
  for (auto& transfer : transfers_) {
    if (transfer->in_multi) curl_multi_remove_handle(multi_.get(), transfer->easy.get());
  }
}

void HttpPoster::MultiDeleter::operator()(void* multi) const {
  curl_multi_cleanup(static_cast<CURLM*>(multi));
}

void HttpPoster::Add(HttpPost post, OnDone on_done) {
  auto& transfer = transfers_.emplace_back(std::make_unique<Transfer>());
  transfer->self = std::prev(transfers_.end());
  transfer->post = std::move(post);
  transfer->on_done = std::move(on_done);
  if (multi_ == nullptr) {
    transfer->refused = "libcurl failed to initialise";
    return;
  }
  transfer->refused = Configure(*transfer, options_);
  if (!transfer->refused.empty()) return;
  if (curl_multi_add_handle(multi_.get(), transfer->easy.get()) != CURLM_OK) {
    transfer->refused = "could not start the HTTP transfer";
    return;
  }
  transfer->in_multi = true;
}

void HttpPoster::Drive(std::chrono::milliseconds wait) {
  for (auto it = transfers_.begin(); it != transfers_.end();) {
    auto next = std::next(it);
    if (!(*it)->refused.empty()) Report(it, HttpOutcome{.error = (*it)->refused});
    it = next;
  }
  if (multi_ == nullptr) {
    std::this_thread::sleep_for(wait);
    return;
  }
  // Start what was just added, and report what is already done, before waiting.
  int running = 0;
  curl_multi_perform(multi_.get(), &running);
  ReportFinished();
  curl_multi_poll(multi_.get(), nullptr, 0, static_cast<int>(wait.count()), nullptr);
  const CURLMcode code = curl_multi_perform(multi_.get(), &running);
  ReportFinished();
  if (code != CURLM_OK) {
    const std::string why = curl_multi_strerror(code);
    while (!transfers_.empty()) Report(transfers_.begin(), HttpOutcome{.error = why});
  }
}

void HttpPoster::ReportFinished() {
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_.get(), &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    Transfer* done = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &done);
    if (done != nullptr) Report(done->self, Finish(*done, message->data.result));
  }
}

void HttpPoster::CancelAll() {
  while (!transfers_.empty()) Report(transfers_.begin(), HttpOutcome{.cancelled = true});
}

void HttpPoster::Wakeup() {
  if (multi_ != nullptr) curl_multi_wakeup(multi_.get());
}

void HttpPoster::Report(Transfers::iterator it, const HttpOutcome& outcome) {
  std::unique_ptr<Transfer> transfer = std::move(*it);
  transfers_.erase(it);
  if (transfer->in_multi) curl_multi_remove_handle(multi_.get(), transfer->easy.get());
  transfer->on_done(outcome);
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
