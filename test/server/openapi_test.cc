// docs/openapi.yaml against the server's route table: the document a client generates code from
// must name exactly the paths, methods and query parameters the server answers, and hold together.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <boost/beast/http/verb.hpp>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "server/route_table.h"

namespace drawbridge::server {
namespace {

namespace http = boost::beast::http;

const std::set<std::string> kHttpMethods = {"get",   "put",  "post",    "delete",
                                            "patch", "head", "options", "trace"};

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override { doc_ = YAML::LoadFile(DRAWBRIDGE_SOURCE_DIR "/docs/openapi.yaml"); }

  // The node a local reference ("#/components/parameters/Mine") points at; undefined if none.
  YAML::Node Resolve(const std::string& ref) const {
    if (ref.rfind("#/", 0) != 0) return YAML::Node(YAML::NodeType::Undefined);
    return Lookup(doc_, ref.substr(2));
  }

  // Walks down by keys without assigning nodes: yaml-cpp's Node::operator= writes through to
  // the tree it refers to.
  static YAML::Node Lookup(const YAML::Node& node, const std::string& keys) {
    const size_t slash = keys.find('/');
    const std::string key = keys.substr(0, slash);
    if (!node.IsMap() || !node[key]) return YAML::Node(YAML::NodeType::Undefined);
    if (slash == std::string::npos) return node[key];
    return Lookup(node[key], keys.substr(slash + 1));
  }

  // `node`, or what it refers to when it is a {$ref: ...}.
  YAML::Node Deref(const YAML::Node& node) const {
    if (node.IsMap() && node["$ref"]) return Resolve(node["$ref"].as<std::string>());
    return node;
  }

  // Every parameter of an operation: the path item's own, then the operation's, references
  // resolved.
  std::vector<YAML::Node> Parameters(const YAML::Node& path_item,
                                     const YAML::Node& operation) const {
    std::vector<YAML::Node> out;
    for (const YAML::Node* list : {&path_item, &operation}) {
      if (!(*list)["parameters"]) continue;
      for (const YAML::Node& p : (*list)["parameters"]) out.push_back(Deref(p));
    }
    return out;
  }

  // "get /v1/requests" for every operation the document describes.
  std::set<std::string> DocumentedOperations() const {
    std::set<std::string> out;
    for (const auto& path : doc_["paths"]) {
      for (const auto& entry : path.second) {
        const std::string key = entry.first.as<std::string>();
        if (kHttpMethods.count(key)) out.insert(key + " " + path.first.as<std::string>());
      }
    }
    return out;
  }

  static std::string Lower(std::string_view method) {
    std::string s(method);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  YAML::Node doc_;
};

std::vector<ApiRoute> EveryRoute() {
  std::vector<ApiRoute> all(HealthRoutes().begin(), HealthRoutes().end());
  all.insert(all.end(), ApiRoutes().begin(), ApiRoutes().end());
  return all;
}

// Test that the document is OpenAPI 3 and names exactly the operations the server routes (HEAD
// goes with GET and need not be written out).
TEST_F(OpenApiTest, DescribesExactlyTheServersRoutes) {
  ASSERT_EQ(doc_["openapi"].as<std::string>().rfind("3.", 0), 0u);
  std::set<std::string> served;
  for (const ApiRoute& route : EveryRoute()) {
    for (http::verb method : route.methods) {
      served.insert(Lower(http::to_string(method)) + " " + std::string(route.path));
    }
  }
  std::set<std::string> documented = DocumentedOperations();
  for (const std::string& op : served) {
    EXPECT_TRUE(documented.count(op)) << op << " is served but not in docs/openapi.yaml";
  }
  for (const std::string& op : documented) {
    EXPECT_TRUE(served.count(op)) << op
                                  << " is in docs/openapi.yaml but the server does not route it";
  }
}

// Test that every GET declares exactly the query parameters its route reads (anything else is a
// 400 from the server), and that no other method declares any.
TEST_F(OpenApiTest, QueryParametersAreTheOnesTheServerReads) {
  for (const ApiRoute& route : EveryRoute()) {
    const YAML::Node item = doc_["paths"][std::string(route.path)];
    ASSERT_TRUE(item) << route.path;
    for (http::verb method : route.methods) {
      const std::string name = Lower(http::to_string(method));
      std::set<std::string> declared;
      for (const YAML::Node& p : Parameters(item, item[name])) {
        ASSERT_TRUE(p && p["in"] && p["name"]) << name << " " << route.path;
        if (p["in"].as<std::string>() == "query") declared.insert(p["name"].as<std::string>());
      }
      const std::set<std::string> read =
          method == http::verb::get
              ? std::set<std::string>(route.get_query.begin(), route.get_query.end())
              : std::set<std::string>();
      EXPECT_EQ(declared, read) << name << " " << route.path;
    }
  }
}

// Test that every {segment} of a path is a declared, required path parameter of each operation.
TEST_F(OpenApiTest, PathParametersAreDeclaredAndRequired) {
  const std::regex segment(R"(\{([^}]+)\})");
  for (const auto& path : doc_["paths"]) {
    const std::string templ = path.first.as<std::string>();
    std::set<std::string> in_template;
    for (auto it = std::sregex_iterator(templ.begin(), templ.end(), segment);
         it != std::sregex_iterator(); ++it) {
      in_template.insert((*it)[1].str());
    }
    for (const auto& entry : path.second) {
      const std::string method = entry.first.as<std::string>();
      if (!kHttpMethods.count(method)) continue;
      std::set<std::string> declared;
      for (const YAML::Node& p : Parameters(path.second, entry.second)) {
        if (p["in"].as<std::string>() != "path") continue;
        declared.insert(p["name"].as<std::string>());
        EXPECT_TRUE(p["required"] && p["required"].as<bool>())
            << method << " " << templ << ": path parameter " << p["name"].as<std::string>();
      }
      EXPECT_EQ(declared, in_template) << method << " " << templ;
    }
  }
}

// Test that every $ref in the document points at something that exists.
TEST_F(OpenApiTest, EveryReferenceResolves) {
  size_t refs = 0;
  std::vector<YAML::Node> stack = {doc_};
  while (!stack.empty()) {
    YAML::Node node = stack.back();
    stack.pop_back();
    if (node.IsMap()) {
      for (const auto& entry : node) {
        if (entry.first.as<std::string>() == "$ref") {
          ++refs;
          const std::string ref = entry.second.as<std::string>();
          EXPECT_TRUE(Resolve(ref)) << ref << " points at nothing";
        } else {
          stack.push_back(entry.second);
        }
      }
    } else if (node.IsSequence()) {
      for (const auto& child : node) stack.push_back(child);
    }
  }
  EXPECT_GT(refs, 0u);
}

// Test that operation ids are unique, every operation has a success answer, and every error
// answer is the JSON Error body the server sends; every /v1 operation documents the 401 and 429
// any caller can get.
TEST_F(OpenApiTest, OperationsAnswerWithDocumentedErrors) {
  std::set<std::string> ids;
  for (const auto& path : doc_["paths"]) {
    const std::string templ = path.first.as<std::string>();
    for (const auto& entry : path.second) {
      const std::string method = entry.first.as<std::string>();
      if (!kHttpMethods.count(method)) continue;
      const std::string op = method + " " + templ;
      const YAML::Node operation = entry.second;
      ASSERT_TRUE(operation["operationId"]) << op;
      EXPECT_TRUE(ids.insert(operation["operationId"].as<std::string>()).second)
          << op << ": operationId used twice";
      ASSERT_TRUE(operation["responses"] && operation["responses"].IsMap()) << op;
      bool success = false;
      for (const auto& response : operation["responses"]) {
        const std::string status = response.first.as<std::string>();
        const YAML::Node answer = Deref(response.second);
        ASSERT_TRUE(answer && answer["description"]) << op << " " << status;
        if (status[0] == '2') success = true;
        if (status[0] != '4' && status[0] != '5') continue;
        const YAML::Node schema = answer["content"]["application/json"]["schema"];
        ASSERT_TRUE(schema && schema["$ref"]) << op << " " << status << " has no JSON error body";
        EXPECT_EQ(schema["$ref"].as<std::string>(), "#/components/schemas/Error")
            << op << " " << status;
      }
      EXPECT_TRUE(success) << op << " has no 2xx answer";
      if (templ.rfind("/v1/", 0) == 0) {
        EXPECT_TRUE(operation["responses"]["401"]) << op << " does not document 401";
        EXPECT_TRUE(operation["responses"]["429"]) << op << " does not document 429";
      }
    }
  }
}

}  // namespace
}  // namespace drawbridge::server
