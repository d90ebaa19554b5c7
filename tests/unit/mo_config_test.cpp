// Loading mo transformations configs, sub-graph selection with mo's semantics, and the
// --tensorflow_custom_operations_config_update output.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/graph/error.h"
#include "engine/rules/mo_config/config_update.h"
#include "engine/rules/mo_config/mo_config.h"
#include "engine/rules/mo_config/subgraph_match.h"
#include "tests/unit/mo_config_test_graphs.h"

namespace remo {
namespace {

using test::build_ssd_like;
using test::id_of;

// Entries in the shape of mo's ssd_v2_support.json (written for these tests from the facts in
// the reference, not copied), against the SSD-like graph's names.
const char* kSsdConfig = R"([
  {"id": "ObjectDetectionAPIPreprocessorReplacement", "match_kind": "scope",
   "instances": [".*Preprocessor/"],
   "inputs": [[{"node": "map/Shape$", "port": 0},
               {"node": "map/TensorArrayUnstack/Shape$", "port": 0},
               {"node": "map/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3$", "port": 2}]],
   "outputs": [{"node": "sub$", "port": 0},
               {"node": "map/TensorArrayStack_1/TensorArrayGatherV3$", "port": 0}],
   "custom_attributes": {}},
  {"id": "ObjectDetectionAPISSDPostprocessorReplacement", "match_kind": "points",
   "include_inputs_to_sub_graph": true, "include_outputs_to_sub_graph": true,
   "instances": {"start_points": ["Postprocessor/Reshape", "Postprocessor/scale_logits", "Postprocessor/ToFloat"],
                 "end_points": ["detection_boxes", "num_detections"]},
   "custom_attributes": {"code_type": "caffe.PriorBoxParameter.CENTER_SIZE", "clip_before_nms": false,
                         "clip_after_nms": true, "variance": [0.1, 0.1, 0.2, 0.2], "keep_top_k": 100}}
])";

std::vector<std::string> names(const Graph& g, const std::vector<NodeId>& ids) {
  std::vector<std::string> out;
  for (NodeId id : ids) out.push_back(g.at(id).name);
  std::sort(out.begin(), out.end());
  return out;
}

std::string load_error(const std::string& text) {
  try {
    parse_mo_config(text, "bad.json");
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "loaded: " << text;
  return "";
}

TEST(MoConfigLoad, ReadsEntriesAndDefaults) {
  MoConfig c = parse_mo_config(kSsdConfig, "ssd.json");
  ASSERT_EQ(c.entries.size(), 2u);
  const MoConfigEntry& scope = c.entries[0];
  EXPECT_EQ(scope.kind, MatchKind::scope);
  ASSERT_EQ(scope.inputs.size(), 1u);
  EXPECT_EQ(scope.inputs[0][2].port, 2u);
  EXPECT_EQ(scope.outputs.size(), 2u);
  const MoConfigEntry& points = c.entries[1];
  EXPECT_EQ(points.kind, MatchKind::points);
  EXPECT_EQ(points.start_points.size(), 3u);
  EXPECT_EQ(points.custom_attributes["keep_top_k"], 100);
  // The Points class defaults include_* to true when missing; unknown keys are accepted.
  MoConfig d = parse_mo_config(R"([{"id": "X", "match_kind": "points", "library": "x.so",
      "instances": {"start_points": ["a"], "end_points": ["b"]}}])", "d.json");
  EXPECT_TRUE(d.entries[0].include_inputs);
  EXPECT_TRUE(d.entries[0].include_outputs);
  EXPECT_TRUE(d.entries[0].custom_attributes.is_object());
  // general entries need only id and match_kind.
  EXPECT_NO_THROW(parse_mo_config(R"([{"id": "G", "match_kind": "general"}])", "g.json"));
}

TEST(MoConfigLoad, ErrorsNameTheFileAndTheJsonPath) {
  EXPECT_NE(load_error("[{").find("bad.json: not valid JSON"), std::string::npos);
  EXPECT_NE(load_error(R"({"id": "x"})").find("bad.json: expected a JSON list"), std::string::npos);
  EXPECT_NE(load_error(R"([{"match_kind": "scope", "instances": ["a"]}])").find("[0]: missing \"id\""), std::string::npos);
  EXPECT_NE(load_error(R"([{"id": "x", "match_kind": "subgraph"}])").find("[0].match_kind: 'subgraph' is not one of"),
            std::string::npos);
  EXPECT_NE(load_error(R"([{"id": "x", "match_kind": "points", "instances": ["a"]}])").find("[0].instances: expected {"),
            std::string::npos);
  EXPECT_NE(load_error(R"([{"id": "x", "match_kind": "scope"}])").find("[0].instances: missing"), std::string::npos);
  EXPECT_NE(load_error(R"([{"id": "x", "match_kind": "general", "op": "Foo"}])").find("[0].op: the op shortcut needs"),
            std::string::npos);
  // Every problem at once, each with its path.
  std::string all = load_error(R"([{"id": "x", "match_kind": "scope", "instances": ["ok/", "(broken"],
      "inputs": [[{"node": "a$", "port": -1}]], "outputs": [{"port": 0}]}, 7])");
  EXPECT_NE(all.find("[0].instances[1]: pattern '(broken'"), std::string::npos) << all;
  EXPECT_NE(all.find("[0].inputs[0][0].port: expected a port number"), std::string::npos) << all;
  EXPECT_NE(all.find("[0].outputs[0]: missing \"node\""), std::string::npos) << all;
  EXPECT_NE(all.find("[1]: expected an object, got number"), std::string::npos) << all;
}

TEST(MoConfigRegex, AnchoredAtTheStartOnlyLikePythonReMatch) {
  EXPECT_TRUE(PyRegex("Preprocessor/").match("Preprocessor/map/Shape"));
  EXPECT_FALSE(PyRegex("Preprocessor/").match("FeatureExtractor/Preprocessor/x"));
  EXPECT_TRUE(PyRegex(".*Preprocessor/").match("FeatureExtractor/Preprocessor/x"));
  EXPECT_TRUE(PyRegex("a/b").match("a/bc"));
  EXPECT_FALSE(PyRegex("a/b$").match("a/bc"));
  EXPECT_TRUE(PyRegex("\\Aa/b\\Z").match("a/b"));
  EXPECT_TRUE(PyRegex("(?P<scope>[a-z]+)/x").match("abc/x"));
  EXPECT_THROW(PyRegex("(?i)abc"), Error);
  EXPECT_THROW(PyRegex("(?<=a)b"), Error);
}

TEST(MoConfigMatch, ScopeSelectsByNameAndMapsBoundaryPortsInOrder) {
  Graph g;
  build_ssd_like(g);
  MoConfig c = parse_mo_config(kSsdConfig, "ssd.json");
  auto m = match_scope_instance(g, c.entries[0], 0);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->scope, ".*Preprocessor/");
  EXPECT_EQ(names(g, m->nodes),
            (std::vector<std::string>{"Preprocessor/map/Const", "Preprocessor/map/Shape",
                                      "Preprocessor/map/TensorArrayStack/TensorArrayGatherV3",
                                      "Preprocessor/map/TensorArrayStack_1/TensorArrayGatherV3",
                                      "Preprocessor/map/TensorArrayUnstack/Shape",
                                      "Preprocessor/map/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3",
                                      "Preprocessor/mul", "Preprocessor/mul/x", "Preprocessor/sub", "Preprocessor/sub/y"}));
  ASSERT_EQ(m->inputs.size(), 1u);
  EXPECT_EQ(m->inputs[0], (std::vector<Use>{{id_of(g, "Preprocessor/map/Shape"), 0},
                                            {id_of(g, "Preprocessor/map/TensorArrayUnstack/Shape"), 0},
                                            {id_of(g, "Preprocessor/map/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3"), 2}}));
  EXPECT_EQ(m->outputs, (std::vector<Value>{{id_of(g, "Preprocessor/sub"), 0},
                                            {id_of(g, "Preprocessor/map/TensorArrayStack_1/TensorArrayGatherV3"), 0}}));
  EXPECT_EQ(m->node_by_pattern(g, "mul$"), id_of(g, "Preprocessor/mul"));
  EXPECT_THROW(m->node_by_pattern(g, "map/TensorArrayStack"), Error);  // two nodes: ambiguous
}

TEST(MoConfigMatch, ScopeInstancesAreSeparateAndSkippedWhenInputsAreMissing) {
  Graph g;
  build_ssd_like(g);
  MoConfig c = parse_mo_config(R"([
    {"id": "A", "match_kind": "scope", "instances": ["Preprocessor/mul", "Nothing/", "BoxPredictor"]},
    {"id": "B", "match_kind": "scope", "instances": [".*Preprocessor/"], "inputs": [[{"node": "NoSuchNode$", "port": 0}]]},
    {"id": "C", "match_kind": "scope", "instances": ["Preprocessor"], "outputs": [{"node": "NoSuchNode$", "port": 0}]}
  ])", "x.json");
  auto first = match_scope_instance(g, c.entries[0], 0);
  ASSERT_TRUE(first);  // re.match: a prefix, so "Preprocessor/mul/x" is in, "Preprocessor/sub" is not
  EXPECT_EQ(names(g, first->nodes), (std::vector<std::string>{"Preprocessor/mul", "Preprocessor/mul/x"}));
  EXPECT_FALSE(match_scope_instance(g, c.entries[0], 1));
  EXPECT_EQ(match_scope_instance(g, c.entries[0], 2)->nodes.size(), 3u);
  EXPECT_FALSE(match_scope_instance(g, c.entries[1], 0));  // an input pattern names no node
  auto unresolved = match_scope_instance(g, c.entries[2], 0);  // outputs are not pre-checked
  ASSERT_TRUE(unresolved);
  EXPECT_FALSE(unresolved->outputs[0].valid());
}

TEST(MoConfigMatch, PointsClosureAndPortOrder) {
  Graph g;
  build_ssd_like(g);
  MoConfig c = parse_mo_config(kSsdConfig, "ssd.json");
  auto m = match_points(g, c.entries[1]);
  ASSERT_TRUE(m);
  // Forward from the starts up to the ends, plus the producers of non-start nodes (the anchors
  // constant), and what those feed (the debug branch); not the starts' own inputs.
  EXPECT_EQ(names(g, m->nodes),
            (std::vector<std::string>{"Postprocessor/Decode", "Postprocessor/NMS", "Postprocessor/Reshape",
                                      "Postprocessor/ToFloat", "Postprocessor/anchors", "Postprocessor/debug",
                                      "Postprocessor/scale_logits", "detection_boxes", "num_detections"}));
  ASSERT_EQ(m->inputs.size(), 3u);
  EXPECT_EQ(m->inputs[0], (std::vector<Use>{{id_of(g, "Postprocessor/Reshape"), 0}}));
  EXPECT_EQ(m->inputs[1], (std::vector<Use>{{id_of(g, "Postprocessor/scale_logits"), 0}}));
  EXPECT_EQ(m->inputs[2], (std::vector<Use>{{id_of(g, "Postprocessor/ToFloat"), 0}}));
  EXPECT_EQ(m->outputs, (std::vector<Value>{{id_of(g, "detection_boxes"), 0}, {id_of(g, "num_detections"), 0}}));
}

TEST(MoConfigMatch, PointsIncludeFlagsFalseUseConsumersAndProducers) {
  Graph g;
  build_ssd_like(g);
  MoConfig c = parse_mo_config(R"([{"id": "P", "match_kind": "points",
      "include_inputs_to_sub_graph": false, "include_outputs_to_sub_graph": false,
      "instances": {"start_points": ["BoxPredictor/boxes", "Postprocessor/scale_logits/y", "BoxPredictor/image_size"],
                    "end_points": ["detection_boxes"]}}])", "p.json");
  auto m = match_points(g, c.entries[0]);
  ASSERT_TRUE(m);
  auto got = names(g, m->nodes);
  EXPECT_TRUE(std::count(got.begin(), got.end(), "Postprocessor/Reshape"));
  EXPECT_TRUE(std::count(got.begin(), got.end(), "Postprocessor/NMS"));
  EXPECT_FALSE(std::count(got.begin(), got.end(), "BoxPredictor/boxes"));
  EXPECT_FALSE(std::count(got.begin(), got.end(), "detection_boxes"));
  // As in mo, the listed start nodes are outside, so the port descriptions resolve to nothing.
  EXPECT_TRUE(m->inputs[0].empty());
  EXPECT_FALSE(m->outputs[0].valid());
}

TEST(MoConfigMatch, PointsRejectModelInputsUnreachableEndsAndMissingPoints) {
  Graph g;
  build_ssd_like(g);
  MoConfig c = parse_mo_config(R"([
    {"id": "NoCast", "match_kind": "points",
     "instances": {"start_points": ["Postprocessor/Reshape", "Postprocessor/scale_logits"], "end_points": ["detection_boxes"]}},
    {"id": "Backwards", "match_kind": "points",
     "instances": {"start_points": ["Postprocessor/Reshape"], "end_points": ["Preprocessor/sub"]}},
    {"id": "Missing", "match_kind": "points",
     "instances": {"start_points": ["Postprocessor/Nope"], "end_points": ["detection_boxes"]}}
  ])", "p.json");
  try {
    match_points(g, c.entries[0]);
    ADD_FAILURE() << "matched a sub-graph with the model input";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("contains the model input 'image_tensor'"), std::string::npos) << e.what();
  }
  try {
    match_points(g, c.entries[1]);
    ADD_FAILURE() << "matched an unreachable end";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("end node 'Preprocessor/sub' is not reachable"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(match_points(g, c.entries[2]));
}

TEST(MoConfigUpdate, WritesScopeBoundariesAsMoDoes) {
  Graph g;
  build_ssd_like(g);
  MoConfig c = parse_mo_config(R"([
    {"id": "ObjectDetectionAPIPreprocessorReplacement", "match_kind": "scope", "instances": [".*Preprocessor/"],
     "custom_attributes": {}, "extra": 1},
    {"id": "Kept", "match_kind": "scope", "instances": ["BoxPredictor/"], "inputs": [[{"node": "boxes$", "port": 0}]],
     "outputs": []},
    {"id": "ObjectDetectionAPISSDPostprocessorReplacement", "match_kind": "points",
     "instances": {"start_points": ["Postprocessor/Reshape"], "end_points": ["detection_boxes"]}},
    {"id": "G", "match_kind": "general", "custom_attributes": {"x": "é"}}
  ])", "u.json");
  std::string text = updated_mo_config_text(g, c);
  const char* expected = R"([
    {
        "custom_attributes": {},
        "id": "ObjectDetectionAPIPreprocessorReplacement",
        "inputs": [
            [
                {
                    "node": "map/Shape$",
                    "port": 0
                },
                {
                    "node": "map/TensorArrayUnstack/Shape$",
                    "port": 0
                },
                {
                    "node": "map/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3$",
                    "port": 2
                }
            ]
        ],
        "instances": [
            ".*Preprocessor/"
        ],
        "match_kind": "scope",
        "outputs": [
            {
                "node": "map/TensorArrayStack_1/TensorArrayGatherV3$",
                "port": 0
            },
            {
                "node": "sub$",
                "port": 0
            }
        ]
    },
    {
        "custom_attributes": {},
        "id": "Kept",
        "inputs": [
            [
                {
                    "node": "boxes$",
                    "port": 0
                }
            ]
        ],
        "instances": [
            "BoxPredictor/"
        ],
        "match_kind": "scope",
        "outputs": [
            {
                "node": "boxes$",
                "port": 0
            },
            {
                "node": "classes$",
                "port": 0
            },
            {
                "node": "image_size$",
                "port": 0
            }
        ]
    },
    {
        "custom_attributes": {},
        "id": "ObjectDetectionAPISSDPostprocessorReplacement",
        "include_inputs_to_sub_graph": true,
        "include_outputs_to_sub_graph": true,
        "instances": {
            "end_points": [
                "detection_boxes"
            ],
            "start_points": [
                "Postprocessor/Reshape"
            ]
        },
        "match_kind": "points"
    },
    {
        "custom_attributes": {
            "x": "\u00e9"
        },
        "id": "G",
        "match_kind": "general"
    }
])";
  EXPECT_EQ(text, expected);
}

// Found by fuzz_mo_config: ".**" made std::regex backtrack without end; Python refuses it.
TEST(MoConfigRegex, RepeatedQuantifiersAreRefused) {
  for (const char* pattern : {".**Preprocessor/", "a+*", "x{2}+", "a?+"}) {
    try {
      PyRegex r(pattern);
      ADD_FAILURE() << pattern << " compiled";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("multiple repeat"), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(PyRegex(".*?Pre").match("xPre"));
  EXPECT_TRUE(PyRegex("a{1,2}?b").match("ab"));
  EXPECT_TRUE(PyRegex("[*+]+x").match("*+x"));
  EXPECT_TRUE(PyRegex("\\*+").match("**"));
}

}  // namespace
}  // namespace remo
