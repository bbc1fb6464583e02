// Converts a YAML node into a JSON value so that test files can reuse the JSON readers for
// grants and check contexts. Scalars become integers, booleans or strings.
#pragma once

#include <yaml-cpp/yaml.h>

#include <boost/json/value.hpp>

namespace drawbridge::cli {

boost::json::value YamlToJson(const YAML::Node& node);

}  // namespace drawbridge::cli
