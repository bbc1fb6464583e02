// Fuzzes the strict JSONL parsers of the audit log (events and checkpoints) and the terminal
// escaper. Beyond "never crash", it checks the properties the log relies on: a line that parses
// is exactly its own canonical re-encoding, and escaped text holds no terminal control bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "audit/checkpoint.h"
#include "audit/escape.h"
#include "audit/event.h"
#include "audit/verify.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

std::string_view WithoutLineEnd(std::string_view line) {
  if (line.ends_with("\r\n")) return line.substr(0, line.size() - 2);
  if (line.ends_with('\n')) return line.substr(0, line.size() - 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  using namespace drawbridge::audit;

  auto event = ParseEventLine(input);
  if (event.ok()) {
    auto line = EventToJsonLine(*event);
    Check(line.ok() && *line == WithoutLineEnd(input));
    Check(ComputeEventHash(*event).ok());
    std::vector<AuditEvent> events{*event};
    VerifyOptions options;
    options.start = ChainHead{event->seq - 1, event->prev_hash};
    (void)VerifyChain(events, options);
    const std::string shown = FormatEventForTerminal(*event);
    for (unsigned char c : shown) Check(c >= 0x20 && c != 0x7F);
  }

  auto checkpoint = ParseCheckpointLine(input);
  if (checkpoint.ok()) Check(CheckpointToJsonLine(*checkpoint) == WithoutLineEnd(input));

  for (unsigned char c : EscapeForTerminal(input)) Check(c >= 0x20 && c != 0x7F);
  return 0;
}
