// Control flow v1 recognition (frontends/tensorflow/tf_control_flow_v1.h): while frames collapse
// into one loop node with a body, cond Merges become SelectV2, and the reader builds loop bodies
// as graph attributes. GraphDefs are written in protobuf text format.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC bug 105329 in inlined std::string code
#endif
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "engine/graph/error.h"
#include "frontends/tensorflow/tf_control_flow_v1.h"
#include "frontends/tensorflow/tf_control_flow_v2.h"
#include "frontends/tensorflow/tf_graph_builder.h"
#include "frontends/tensorflow/tf_reader.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using remo::testing_support::ScratchDir;
using tf_import::WhileFrameBody;

tensorflow::GraphDef parse(const std::string& text) {
  tensorflow::GraphDef def;
  if (!google::protobuf::TextFormat::ParseFromString(text, &def)) throw Error("bad test GraphDef");
  return def;
}

const tensorflow::NodeDef* find(const tensorflow::GraphDef& def, const std::string& name) {
  for (const auto& n : def.node())
    if (n.name() == name) return &n;
  return nullptr;
}

std::vector<std::string> inputs(const tensorflow::NodeDef* n) {
  return n ? std::vector<std::string>(n->input().begin(), n->input().end()) : std::vector<std::string>{"<missing>"};
}

const char* kT = R"(attr { key: "T" value { type: DT_FLOAT } })";
const char* kTi = R"(attr { key: "T" value { type: DT_INT32 } })";

std::string node(const std::string& name, const std::string& op, std::vector<std::string> ins,
                 const std::string& attrs = "") {
  std::string s = "node { name: '" + name + "' op: '" + op + "' ";
  for (const auto& i : ins) s += "input: '" + i + "' ";
  return s + attrs + " }\n";
}

std::string enter(const std::string& name, const std::string& in, bool constant, const char* type) {
  return node(name, "Enter", {in}, std::string(type) + " attr { key: 'frame_name' value { s: 'while/while_context' } }" +
                                       " attr { key: 'is_constant' value { b: " + (constant ? "true" : "false") + " } }");
}

std::string int_const(const std::string& name, int v, std::vector<std::string> ins = {}) {
  return node(name, "Const", ins,
              "attr { key: 'dtype' value { type: DT_INT32 } } attr { key: 'value' value { tensor { dtype: DT_INT32 "
              "tensor_shape {} int_val: " + std::to_string(v) + " } } }");
}

// i = 0; while (i < 3) i = i + step; with step an invariant (an is_constant Enter).
std::string counting_loop() {
  return int_const("zero", 0) + int_const("step", 2) +
         enter("while/Enter", "zero", false, kTi) + enter("while/step/Enter", "step", true, kTi) +
         node("while/Merge", "Merge", {"while/Enter", "while/NextIteration"}, kTi) +
         int_const("while/Less/y", 3, {"^while/Merge"}) +
         node("while/Less", "Less", {"while/Merge", "while/Less/y"}, kTi) +
         node("while/LoopCond", "LoopCond", {"while/Less"}) +
         node("while/Switch", "Switch", {"while/Merge", "while/LoopCond"}, kTi) +
         node("while/Identity", "Identity", {"while/Switch:1"}, kTi) +
         node("while/add", "AddV2", {"while/Identity", "while/step/Enter"}, kTi) +
         node("while/NextIteration", "NextIteration", {"while/add"}, kTi) +
         node("while/Exit", "Exit", {"while/Switch"}, kTi) +
         node("out", "Identity", {"while/Exit"}, kTi);
}

TEST(TfControlFlowV1, AWhileFrameBecomesOneLoopNodeWithABody) {
  tensorflow::GraphDef def = parse(counting_loop());
  std::vector<WhileFrameBody> frames;
  tf_import::lower_v1_control_flow(def, frames);
  ASSERT_EQ(frames.size(), 1u);
  const tensorflow::NodeDef* loop = find(def, "while");
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->op(), tf_import::kWhileFrameOp);
  EXPECT_EQ(inputs(loop), (std::vector<std::string>{"while/Less/remo_initial", "zero", "step"}))
      << "initial condition, initial variable, invariant";
  EXPECT_EQ(inputs(find(def, "while/Less/remo_initial")), (std::vector<std::string>{"zero", "while/Less/y/remo_initial"}));
  EXPECT_EQ(find(def, "while/Exit")->op(), "Identity") << "the Exit keeps its name, reading the loop";
  EXPECT_EQ(inputs(find(def, "while/Exit")), std::vector<std::string>{"while"});
  EXPECT_EQ(find(def, "while/Merge"), nullptr) << "the frame's nodes leave the outer graph";

  const WhileFrameBody& body = frames[0];
  EXPECT_EQ(body.variables, 1u);
  EXPECT_EQ(body.invariants, std::vector<std::string>{"while/step/Enter"});
  ASSERT_GE(body.body.node_size(), 2);
  EXPECT_EQ(body.body.node(0).name(), "while/Merge");
  EXPECT_EQ(body.body.node(0).op(), "Placeholder");
  EXPECT_EQ(body.body.node(1).name(), "while/step/Enter");
  EXPECT_EQ(inputs(find(body.body, "while/Identity")), std::vector<std::string>{"while/Merge"})
      << "the body reads the variable where it read the loop Switch's true side";
  EXPECT_EQ(body.results, (std::vector<std::string>{"while/add", "while/Less/remo_next"}));
  EXPECT_EQ(inputs(find(body.body, "while/Less/remo_next")), (std::vector<std::string>{"while/add", "while/Less/y/remo_next"}))
      << "the condition is computed again on the next values";
}

// out = pred ? x * 2 : c, where the constant c is in the false branch by a control edge only.
std::string simple_cond() {
  return node("x", "Placeholder", {}, "attr { key: 'dtype' value { type: DT_FLOAT } }") +
         node("p", "Placeholder", {}, "attr { key: 'dtype' value { type: DT_BOOL } }") +
         node("cond/Switch", "Switch", {"p", "p"}, "attr { key: 'T' value { type: DT_BOOL } }") +
         node("cond/switch_t", "Identity", {"cond/Switch:1"}, "attr { key: 'T' value { type: DT_BOOL } }") +
         node("cond/switch_f", "Identity", {"cond/Switch"}, "attr { key: 'T' value { type: DT_BOOL } }") +
         node("cond/pred_id", "Identity", {"p"}, "attr { key: 'T' value { type: DT_BOOL } }") +
         node("cond/mul/Switch", "Switch", {"x", "cond/pred_id"}, kT) +
         node("cond/mul", "Mul", {"cond/mul/Switch:1", "cond/mul/Switch:1"}, kT) +
         node("cond/c", "Const", {"^cond/switch_f"},
              "attr { key: 'dtype' value { type: DT_FLOAT } } attr { key: 'value' value { tensor { dtype: DT_FLOAT "
              "tensor_shape {} float_val: 1.5 } } }") +
         node("cond/Merge", "Merge", {"cond/c", "cond/mul"}, kT) + node("out", "Identity", {"cond/Merge"}, kT);
}

TEST(TfControlFlowV1, ACondMergeSelectsOnThePredicateOfItsSwitches) {
  tensorflow::GraphDef def = parse(simple_cond());
  std::vector<WhileFrameBody> frames;
  tf_import::lower_v1_control_flow(def, frames);
  const tensorflow::NodeDef* merge = find(def, "cond/Merge");
  ASSERT_NE(merge, nullptr);
  EXPECT_EQ(merge->op(), "SelectV2");
  // The predicate as the cond's Switches read it (here through the pivot's Switch(p, p)).
  EXPECT_EQ(inputs(merge), (std::vector<std::string>{"p", "cond/mul", "cond/c"}))
      << "the true side is the one under Switch:1, whatever the Merge's input order";
  EXPECT_EQ(find(def, "cond/switch_t"), nullptr) << "an unread pivot is no graph output";
  EXPECT_NE(find(def, "cond/switch_f"), nullptr) << "a pivot a constant orders after stays";
}

TEST(TfControlFlowV1, ACondWithABigBranchBecomesAnIfFrame) {
  // simple_cond with a true branch of 17 multiplications.
  std::string text = simple_cond();
  std::string chain;
  std::string last = "cond/mul";
  for (int k = 0; k < 17; ++k) {
    std::string next = "cond/big" + std::to_string(k);
    chain += node(next, "Mul", {last, "cond/mul"}, kT);
    last = next;
  }
  text.replace(text.find("node { name: 'cond/Merge'"), 0, chain);
  text.replace(text.find("input: 'cond/c' input: 'cond/mul'"), 34, "input: 'cond/c' input: '" + last + "'");
  tensorflow::GraphDef def = parse(text);
  std::vector<WhileFrameBody> frames;
  tf_import::lower_v1_control_flow(def, frames);
  ASSERT_EQ(frames.size(), 2u) << "a then frame and an else frame";
  const tensorflow::NodeDef* frame = find(def, "cond/Merge/remo_if");
  ASSERT_NE(frame, nullptr);
  EXPECT_EQ(frame->op(), tf_import::kIfFrameOp);
  EXPECT_EQ(inputs(frame), (std::vector<std::string>{"p", "x"})) << "the predicate; the else side reads no Switch";
  EXPECT_EQ(find(def, "cond/Merge")->op(), "Identity");
  EXPECT_EQ(inputs(find(def, "cond/Merge")), std::vector<std::string>{"cond/Merge/remo_if"});
  EXPECT_EQ(find(def, "cond/big0"), nullptr) << "the branch went into the If";
  EXPECT_EQ(frames[0].invariants, std::vector<std::string>{"cond/mul/Switch"}) << "one parameter per Switch read";
  EXPECT_EQ(frames[0].results, std::vector<std::string>{"cond/big16"});
  EXPECT_EQ(frames[1].results, std::vector<std::string>{"cond/c"});
}

TEST(TfControlFlowV1, NestedFramesCollapseInnermostFirst) {
  // The outer loop's body holds a loop of its own frame, entered from the outer body.
  std::string inner = enter("while/inner/Enter", "while/Identity", false, kTi);
  inner.replace(inner.find("while/while_context"), 19, "while/inner/while_context");
  std::string text = int_const("zero", 0) + enter("while/Enter", "zero", false, kTi) +
                     node("while/Merge", "Merge", {"while/Enter", "while/NextIteration"}, kTi) +
                     int_const("while/Less/y", 3, {"^while/Merge"}) +
                     node("while/Less", "Less", {"while/Merge", "while/Less/y"}, kTi) +
                     node("while/LoopCond", "LoopCond", {"while/Less"}) +
                     node("while/Switch", "Switch", {"while/Merge", "while/LoopCond"}, kTi) +
                     node("while/Identity", "Identity", {"while/Switch:1"}, kTi) + inner +
                     node("while/inner/Merge", "Merge", {"while/inner/Enter", "while/inner/NextIteration"}, kTi) +
                     int_const("while/inner/Less/y", 5, {"^while/inner/Merge"}) +
                     node("while/inner/Less", "Less", {"while/inner/Merge", "while/inner/Less/y"}, kTi) +
                     node("while/inner/LoopCond", "LoopCond", {"while/inner/Less"}) +
                     node("while/inner/Switch", "Switch", {"while/inner/Merge", "while/inner/LoopCond"}, kTi) +
                     node("while/inner/Identity", "Identity", {"while/inner/Switch:1"}, kTi) +
                     int_const("while/inner/one", 1, {"^while/inner/Identity"}) +
                     node("while/inner/add", "AddV2", {"while/inner/Identity", "while/inner/one"}, kTi) +
                     node("while/inner/NextIteration", "NextIteration", {"while/inner/add"}, kTi) +
                     node("while/inner/Exit", "Exit", {"while/inner/Switch"}, kTi) +
                     node("while/NextIteration", "NextIteration", {"while/inner/Exit"}, kTi) +
                     node("while/Exit", "Exit", {"while/Switch"}, kTi) + node("out", "Identity", {"while/Exit"}, kTi);
  tensorflow::GraphDef def = parse(text);
  std::vector<WhileFrameBody> frames;
  tf_import::lower_v1_control_flow(def, frames);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_NE(find(frames[1].body, "while/inner"), nullptr) << "the outer body holds the inner loop node";
  EXPECT_EQ(find(frames[1].body, "while/inner")->op(), tf_import::kWhileFrameOp);
  EXPECT_EQ(frames[1].results.front(), "while/inner/Exit");
  EXPECT_EQ(find(def, "while/inner"), nullptr);
  EXPECT_NE(find(def, "while"), nullptr);
}

std::string error_of(const std::string& text) {
  tensorflow::GraphDef def = parse(text);
  std::vector<WhileFrameBody> frames;
  try {
    tf_import::lower_v1_control_flow(def, frames);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(TfControlFlowV1, MalformedStructuresAreNamed) {
  std::string no_next = counting_loop();
  no_next.replace(no_next.find("input: 'while/NextIteration' "), 29, "");
  EXPECT_NE(error_of(no_next).find("node 'while/Merge' (tf.Merge): the loop Merge has no NextIteration input"),
            std::string::npos) << error_of(no_next);

  std::string lonely = node("x", "Placeholder", {}, "attr { key: 'dtype' value { type: DT_FLOAT } }") +
                       node("m", "Merge", {"x", "x"}, kT);
  EXPECT_NE(error_of(lonely).find("node 'm' (tf.Merge): no Switch feeds this Merge"), std::string::npos)
      << error_of(lonely);

  std::string short_switch = counting_loop();
  short_switch.replace(short_switch.find("input: 'while/Merge' input: 'while/LoopCond'"), 44, "input: 'while/Merge'");
  EXPECT_NE(error_of(short_switch).find("node 'while/Switch' (tf.Switch): takes 2 data inputs, has 1"), std::string::npos)
      << error_of(short_switch);

  std::string outside = counting_loop() + node("stray", "Identity", {"zero"}, kTi);
  outside.replace(outside.find("input: 'while/Identity' input: 'while/step/Enter'"), 49,
                  "input: 'while/Identity' input: 'step'");
  EXPECT_NE(error_of(outside).find("reads 'step' from outside while frame 'while/while_context' without an Enter"),
            std::string::npos) << error_of(outside);
}

TEST(TfControlFlowV1, TheReaderBuildsTheBodyAsAGraphAttribute) {
  ScratchDir dir("remo_tf_cf");
  std::filesystem::path path = dir.path() / "loop.pbtxt";
  std::ofstream(path) << counting_loop();
  TfReadOptions options;
  options.text = true;
  std::unique_ptr<Graph> g = read_tf_model(path.string(), options);
  Node* loop = g->find_node("while");
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->op(), "tf._RemoWhileFrame");
  EXPECT_EQ(loop->inputs().size(), 3u);
  auto body = std::get_if<GraphPtr>(&loop->attrs.at("body"));
  ASSERT_NE(body, nullptr);
  EXPECT_EQ((*body)->parameters().size(), 2u);
  EXPECT_EQ((*body)->results().size(), 2u) << "the next value and the next condition, nothing else";
  EXPECT_EQ(std::get<std::vector<std::string>>(loop->attrs.at("body:captures")),
            std::vector<std::string>{"while/step/Enter"});
  EXPECT_EQ(g->results().size(), 1u) << "only 'out': the loop machinery adds no graph output";
}

TEST(TfControlFlowV1, ANodeReadOnlyByControlEdgesIsNoGraphOutput) {
  ScratchDir dir("remo_tf_cf");
  std::filesystem::path path = dir.path() / "ctl.pbtxt";
  std::ofstream(path) << node("x", "Placeholder", {}, "attr { key: 'dtype' value { type: DT_FLOAT } }") +
                             node("guard", "Identity", {"x"}, kT) + node("noop", "NoOp", {"^guard"}) +
                             node("y", "Relu", {"x", "^noop"}, kT);
  TfReadOptions options;
  options.text = true;
  std::unique_ptr<Graph> g = read_tf_model(path.string(), options);
  ASSERT_EQ(g->results().size(), 1u);
  EXPECT_EQ(g->at(g->results()[0]).inputs()[0].node, g->find_node("y")->id());
}

TEST(TfControlFlowV1, AnAssertNothingReadsIsNoGraphOutput) {
  ScratchDir dir("remo_tf_cf");
  std::filesystem::path path = dir.path() / "assert.pbtxt";
  std::ofstream(path) << node("x", "Placeholder", {}, "attr { key: 'dtype' value { type: DT_FLOAT } }") +
                             node("ok", "Placeholder", {}, "attr { key: 'dtype' value { type: DT_BOOL } }") +
                             node("check", "Assert", {"ok", "x"}) + node("y", "Relu", {"x"}, kT);
  TfReadOptions options;
  options.text = true;
  std::unique_ptr<Graph> g = read_tf_model(path.string(), options);
  ASSERT_EQ(g->results().size(), 1u) << "an Assert has no output to give";
  EXPECT_EQ(g->at(g->results()[0]).inputs()[0].node, g->find_node("y")->id());
}


// Control flow v2: functions come from a lookup; here two small hand-written ones.
std::string placeholder_node(const std::string& name, const char* type = "DT_INT32") {
  return node(name, "Placeholder", {}, std::string("attr { key: 'dtype' value { type: ") + type + " } }");
}

tf_import::FunctionGraph function_of(const std::string& text, std::vector<std::string> inputs,
                                     std::vector<std::string> outputs) {
  return {parse(text), std::move(inputs), std::move(outputs)};
}

tf_import::FunctionGraph lookup(const std::string& name) {
  if (name == "cond_fn")  // i < 3
    return function_of(placeholder_node("i") + placeholder_node("s") + int_const("three", 3) +
                           node("less", "Less", {"i", "three"}, kTi),
                       {"i", "s"}, {"less"});
  if (name == "body_fn")  // (i + 1, s + s)
    return function_of(placeholder_node("i") + placeholder_node("s") + int_const("one", 1) +
                           node("next", "AddV2", {"i", "one"}, kTi) + node("twice", "AddV2", {"s", "s"}, kTi),
                       {"i", "s"}, {"next", "twice"});
  if (name == "body_keep")  // (i + 1, s): s is a loop invariant
    return function_of(placeholder_node("i") + placeholder_node("s") + int_const("one", 1) +
                           node("next", "AddV2", {"i", "one"}, kTi),
                       {"i", "s"}, {"next", "s"});
  if (name == "loops_forever")  // a body whose While calls this very function
    return function_of(placeholder_node("i") +
                           node("w", "While", {"i"}, "attr { key: 'cond' value { func { name: 'cond_fn' } } } "
                                                     "attr { key: 'body' value { func { name: 'loops_forever' } } }"),
                       {"i"}, {"w"});
  if (name == "heavy_fn") {  // 17 additions: too many to compute when the branch is not taken
    std::string text = placeholder_node("a");
    std::string last = "a";
    for (int k = 0; k < 17; ++k) {
      std::string next = "add" + std::to_string(k);
      text += node(next, "AddV2", {last, "a"}, kTi);
      last = next;
    }
    return function_of(text, {"a"}, {last});
  }
  if (name == "then_fn") return function_of(placeholder_node("a") + node("neg", "Neg", {"a"}, kTi), {"a"}, {"neg"});
  if (name == "else_fn") return function_of(placeholder_node("a"), {"a"}, {"a"});
  throw Error("no function '" + name + "'");
}

std::string func_attr(const std::string& key, const std::string& name) {
  return "attr { key: '" + key + "' value { func { name: '" + name + "' } } }";
}

TEST(TfControlFlowV2, AWhileBecomesALoopNodeWithTheCondAfterTheBody) {
  tensorflow::GraphDef def = parse(int_const("zero", 0) + placeholder_node("x") +
                                   node("w", "StatelessWhile", {"zero", "x"}, func_attr("cond", "cond_fn") + func_attr("body", "body_fn")) +
                                   node("out", "Identity", {"w:1"}, kTi));
  std::vector<WhileFrameBody> frames;
  tf_import::lower_v2_control_flow(def, lookup, frames);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(find(def, "w")->op(), "IdentityN") << "'w:k' keeps meaning variable k";
  EXPECT_EQ(inputs(find(def, "w")), (std::vector<std::string>{"w/remo_loop", "w/remo_loop:1"}));
  const tensorflow::NodeDef* w = find(def, "w/remo_loop");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->op(), tf_import::kWhileFrameOp);
  EXPECT_EQ(inputs(w), (std::vector<std::string>{"w/remo_initial/less", "zero", "x"}));
  EXPECT_EQ(inputs(find(def, "w/remo_initial/less")), (std::vector<std::string>{"zero", "w/remo_initial/three"}));
  EXPECT_EQ(frames[0].variables, 2u);
  EXPECT_EQ(frames[0].body.node(0).name(), "i");
  EXPECT_EQ(frames[0].body.node(1).name(), "s");
  EXPECT_EQ(frames[0].results, (std::vector<std::string>{"next", "twice", "remo_next/less"}));
  EXPECT_EQ(inputs(find(frames[0].body, "remo_next/less")), (std::vector<std::string>{"next", "remo_next/three"}))
      << "the condition reads the body's results";
}

TEST(TfControlFlowV2, AVariableTheBodyReturnsUnchangedIsALoopInvariant) {
  tensorflow::GraphDef def = parse(int_const("zero", 0) + placeholder_node("x") +
                                   node("w", "While", {"zero", "x"}, func_attr("cond", "cond_fn") + func_attr("body", "body_keep")));
  std::vector<WhileFrameBody> frames;
  tf_import::lower_v2_control_flow(def, lookup, frames);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].variables, 1u);
  EXPECT_EQ(frames[0].invariants, std::vector<std::string>{"s"});
  EXPECT_EQ(frames[0].results, (std::vector<std::string>{"next", "remo_next/less"}));
  EXPECT_EQ(inputs(find(def, "w")), (std::vector<std::string>{"w/remo_loop", "x"})) << "the invariant's output is its input";
  EXPECT_EQ(inputs(find(def, "w/remo_loop")), (std::vector<std::string>{"w/remo_initial/less", "zero", "x"}));
}

TEST(TfControlFlowV2, AnIfComputesBothBranchesAndSelects) {
  tensorflow::GraphDef def = parse(placeholder_node("p", "DT_INT32") + placeholder_node("x") +
                                   node("if", "If", {"p", "x"},
                                        func_attr("then_branch", "then_fn") + func_attr("else_branch", "else_fn") +
                                            " attr { key: 'Tcond' value { type: DT_INT32 } }") +
                                   node("out", "Identity", {"if"}, kTi));
  std::vector<WhileFrameBody> frames;
  tf_import::lower_v2_control_flow(def, lookup, frames);
  EXPECT_EQ(find(def, "if")->op(), "IdentityN");
  EXPECT_EQ(inputs(find(def, "if")), std::vector<std::string>{"if/remo_select_0"});
  EXPECT_EQ(inputs(find(def, "if/remo_select_0")), (std::vector<std::string>{"if/remo_cond", "if/then/neg", "x"}))
      << "an int condition is cast to bool; the else branch returns its argument, the If's input";
  EXPECT_EQ(find(def, "if/remo_cond")->op(), "Cast");
}

TEST(TfControlFlowV2, AnIfWithAnExpensiveBranchKeepsItsBranchesApart) {
  tensorflow::GraphDef def = parse(node("p", "Placeholder", {}, "attr { key: 'dtype' value { type: DT_BOOL } }") +
                                   placeholder_node("x") +
                                   node("if", "StatelessIf", {"p", "x"},
                                        func_attr("then_branch", "heavy_fn") + func_attr("else_branch", "else_fn")) +
                                   node("out", "Identity", {"if"}, kTi));
  std::vector<WhileFrameBody> frames;
  tf_import::lower_v2_control_flow(def, lookup, frames);
  ASSERT_EQ(frames.size(), 2u) << "a then frame and an else frame";
  const tensorflow::NodeDef* frame = find(def, "if/remo_if");
  ASSERT_NE(frame, nullptr);
  EXPECT_EQ(frame->op(), tf_import::kIfFrameOp);
  EXPECT_EQ(inputs(frame), (std::vector<std::string>{"p", "x", "x"})) << "cond, else inputs, then inputs";
  EXPECT_EQ(inputs(find(def, "if")), std::vector<std::string>{"if/remo_if"});
  EXPECT_EQ(frames[0].results, std::vector<std::string>{"add16"});
  EXPECT_EQ(frames[1].results, std::vector<std::string>{"a"});
  EXPECT_EQ(find(def, "if/then/add0"), nullptr) << "nothing of the branches is cloned into the graph";

  Graph g;
  tensorflow::GraphDef again = parse(node("p", "Placeholder", {}, "attr { key: 'dtype' value { type: DT_BOOL } }") +
                                     placeholder_node("x") +
                                     node("if", "If", {"p", "x"},
                                          func_attr("then_branch", "heavy_fn") + func_attr("else_branch", "else_fn")) +
                                     node("out", "Identity", {"if"}, kTi));
  tf_import::FunctionLookup functions = lookup;
  tf_import::build_graph(g, again, {}, &functions);
  Node* built = g.find_node("if/remo_if");
  ASSERT_NE(built, nullptr);
  EXPECT_EQ(std::get<GraphPtr>(built->attrs.at("then_body"))->results().size(), 1u);
  EXPECT_EQ(std::get<std::vector<std::string>>(built->attrs.at("else_body:captures")), std::vector<std::string>{"a"});
}

TEST(TfControlFlowV2, AFunctionThatDoesNotFitItsCallIsNamed) {
  tensorflow::GraphDef def = parse(placeholder_node("x") +
                                   node("w", "While", {"x"}, func_attr("cond", "cond_fn") + func_attr("body", "body_fn")));
  std::vector<WhileFrameBody> frames;
  try {
    tf_import::lower_v2_control_flow(def, lookup, frames);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'w' (tf.While): body 'body_fn' takes 2 arguments, the call passes 1"),
              std::string::npos) << e.what();
  }
  tensorflow::GraphDef missing = parse(placeholder_node("x") + node("w", "While", {"x", "x"}, func_attr("cond", "nope") +
                                                                                             func_attr("body", "body_fn")));
  try {
    tf_import::lower_v2_control_flow(missing, lookup, frames);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'w' (tf.While): cond 'nope': no function 'nope'"), std::string::npos)
        << e.what();
  }
}

TEST(TfControlFlowV2, AFunctionThatCallsItselfIsAnError) {
  tensorflow::GraphDef def = parse(placeholder_node("x") + node("w", "While", {"x"}, func_attr("cond", "cond_fn") +
                                                                                   func_attr("body", "loops_forever")));
  std::vector<WhileFrameBody> frames;
  try {
    tf_import::lower_v2_control_flow(def, lookup, frames);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("body 'loops_forever' calls itself (loops_forever -> loops_forever)"),
              std::string::npos) << e.what();
  }
}

TEST(TfControlFlowV2, TheBuilderMakesTheLoopBody) {
  tensorflow::GraphDef def = parse(int_const("zero", 0) + placeholder_node("x") +
                                   node("w", "While", {"zero", "x"}, func_attr("cond", "cond_fn") + func_attr("body", "body_fn")) +
                                   node("out", "Identity", {"w:1"}, kTi));
  Graph g;
  tf_import::FunctionLookup functions = lookup;
  tf_import::build_graph(g, def, {}, &functions);
  Node* w = g.find_node("w/remo_loop");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->op(), "tf._RemoWhileFrame");
  EXPECT_EQ(w->outputs.size(), 2u);
  auto body = std::get<GraphPtr>(w->attrs.at("body"));
  EXPECT_EQ(body->parameters().size(), 2u);
  EXPECT_EQ(body->results().size(), 3u);
}

}  // namespace
}  // namespace remo
