// Long-poll waiters: `GET /v1/requests/{id}?wait=` parks a timer here until the request changes
// or the wait ends. Whoever changes a request calls Notify(tenant, id); the sweeper, which may
// change many, calls NotifyAll. Waking is always safe: a woken waiter re-reads the request and
// answers with whatever state it is in. Thread-safe.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace drawbridge::server {

class RequestWaiters {
 public:
  using Timer = boost::asio::steady_timer;

  void Add(const std::string& tenant, const std::string& id, const std::shared_ptr<Timer>& timer);
  void Remove(const std::string& tenant, const std::string& id, const Timer* timer);
  void Notify(const std::string& tenant, const std::string& id);
  void NotifyAll();
  size_t size() const;

 private:
  static std::string Key(const std::string& tenant, const std::string& id);
  static void Wake(const std::shared_ptr<Timer>& timer);

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::vector<std::weak_ptr<Timer>>> waiting_;
};

}  // namespace drawbridge::server
