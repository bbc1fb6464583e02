// Where the commands' output goes: JSON documents and text on stdout, errors and notes on stderr.
//
// Errors follow the output format: in text mode one "drawbridge: <message>" line (each line of
// the message escaped for the terminal); in JSON mode (--output json or DRAWBRIDGE_OUTPUT=json)
// one line {"error": {"code": "...", "message": "..."}}, the HTTP API's error shape. The code is
// "usage" for a usage error, else the Status code in lower_snake ("not_found"), which in remote
// mode is the code the server's answer maps to. Every JSON document printed goes through
// TerminalSafeJson (cli/terminal_json.h).
//
// The error format is process-wide state, set once the command line is parsed; the CLI runs one
// command per process. Not thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::cli {

StatusOr<std::string> ReadFile(const std::string& path);

// Prints a JSON value on one line to stdout.
void PrintJson(const boost::json::value& v);
// Prints one line of JSON text that is already encoded (a canonical audit record, say).
void PrintJsonText(std::string_view json);

// Text of several lines with each line escaped by audit::EscapeForTerminal (the line breaks
// stay): for multi-line text output that quotes user input.
std::string EscapeEachLine(std::string_view text);

// Whether errors are written as JSON (see above). Text until set.
void SetJsonErrors(bool json);
bool JsonErrors();
// Whether a command line (argv, else DRAWBRIDGE_OUTPUT) asks for JSON, judged before parsing so
// that errors in the command line itself follow it: the last --output/-o value wins.
bool CommandLineAsksForJson(int argc, const char* const* argv);

// The error code of a Status as the HTTP API writes it: "invalid_argument", "not_found", ...
std::string ErrorCode(StatusCode code);
// Prints an error with `code` (see above).
void ReportError(std::string_view code, std::string_view message);
// Prints a usage error (code "usage") and returns the usage exit code.
int UsageError(std::string_view message);
// Prints a failure (code from the status) and returns the failure exit code.
int Fail(const Status& status);
// Like Fail, but text mode prints the message without the "drawbridge: " prefix: for a list of
// a policy's FILE:LINE:COL problems, one per line.
int FailWithProblemList(const Status& status);
// Prints "drawbridge: <message>" to stderr whatever the format: for warnings and progress
// notes, which are not errors (an error, if one follows, is still the last line).
void PrintNote(std::string_view message);

}  // namespace drawbridge::cli
