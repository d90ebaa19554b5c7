// Paddle frontend, sub-blocks: conditional_block and while get their blocks as body graphs with
// captured, loop-carried and placeholder values, and bad sub-blocks are refused by name.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC bug 105329, as in paddle_reader_test.cpp
#endif
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "frontends/paddle/paddle_reader.h"
#include "frontends/paddle/proto/framework.pb.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

namespace fs = std::filesystem;
namespace pp = paddle_proto;
using testing_support::ScratchDir;

void tensor_var(pp::BlockDesc* block, const std::string& name, std::vector<int64_t> dims,
                pp::VarType::Type type = pp::VarType::FP32) {
  pp::VarDesc* v = block->add_vars();
  v->set_name(name);
  v->mutable_type()->set_type(pp::VarType::DENSE_TENSOR);
  pp::VarType::TensorDesc* t = v->mutable_type()->mutable_dense_tensor()->mutable_tensor();
  t->set_data_type(type);
  for (int64_t d : dims) t->add_dims(d);
}

pp::OpDesc* op(pp::BlockDesc* block, const std::string& type,
               std::vector<std::pair<std::string, std::vector<std::string>>> inputs,
               std::vector<std::pair<std::string, std::vector<std::string>>> outputs) {
  pp::OpDesc* o = block->add_ops();
  o->set_type(type);
  for (auto& [slot, args] : inputs) {
    pp::OpDesc::Var* v = o->add_inputs();
    v->set_parameter(slot);
    for (auto& a : args) v->add_arguments(a);
  }
  for (auto& [slot, args] : outputs) {
    pp::OpDesc::Var* v = o->add_outputs();
    v->set_parameter(slot);
    for (auto& a : args) v->add_arguments(a);
  }
  return o;
}

void int_attr(pp::OpDesc* o, const std::string& name, pp::AttrType type, int64_t value) {
  pp::OpDesc::Attr* a = o->add_attrs();
  a->set_name(name);
  a->set_type(type);
  if (type == pp::BLOCK) a->set_block_idx(static_cast<int32_t>(value));
  else a->set_i(static_cast<int32_t>(value));
}

pp::BlockDesc* block(pp::ProgramDesc& program, int parent) {
  pp::BlockDesc* b = program.add_blocks();
  b->set_idx(program.blocks_size() - 1);
  b->set_parent_idx(parent);
  return b;
}

// Block 0: feeds x, c; `sub` reads x and c (Condition), writes acc and c; fetches acc.
// Block 1 (the body): t = relu(x) + acc; acc = t; c = logical_not(c).
pp::ProgramDesc loop_program(const std::string& kind = "while", int sub_block = 1) {
  pp::ProgramDesc program;
  pp::BlockDesc* main = block(program, -1);
  tensor_var(main, "x", {-1, 3});
  tensor_var(main, "c", {1}, pp::VarType::BOOL);
  tensor_var(main, "acc", {-1, 3});
  tensor_var(main, "out", {-1, 3});
  int_attr(op(main, "feed", {{"X", {"feed"}}}, {{"Out", {"x"}}}), "col", pp::INT, 0);
  int_attr(op(main, "feed", {{"X", {"feed"}}}, {{"Out", {"c"}}}), "col", pp::INT, 1);
  op(main, "assign", {{"X", {"x"}}}, {{"Out", {"acc"}}});
  pp::OpDesc* w = kind == "while"
                      ? op(main, "while", {{"X", {"x", "acc"}}, {"Condition", {"c"}}},
                           {{"Out", {"acc", "c"}}, {"StepScopes", {"scopes"}}})
                      : op(main, "conditional_block", {{"Cond", {"c"}}, {"Input", {"x", "acc"}}},
                           {{"Out", {"acc", "fresh"}}, {"Scope", {"scope"}}});
  int_attr(w, "sub_block", pp::BLOCK, sub_block);
  op(main, "relu", {{"X", {"acc"}}}, {{"Out", {"out"}}});
  int_attr(op(main, "fetch", {{"X", {"out"}}}, {{"Out", {"fetch"}}}), "col", pp::INT, 0);
  pp::BlockDesc* body = block(program, 0);
  tensor_var(body, "t", {-1, 3});
  tensor_var(body, "r", {-1, 3});
  tensor_var(body, "fresh", {-1, 3}, pp::VarType::INT32);
  op(body, "relu", {{"X", {"x"}}}, {{"Out", {"r"}}});
  op(body, "elementwise_add", {{"X", {"r"}}, {"Y", {"acc"}}}, {{"Out", {"t"}}});
  op(body, "assign", {{"X", {"t"}}}, {{"Out", {"acc"}}});
  op(body, "logical_not", {{"X", {"c"}}}, {{"Out", {"c"}}});
  op(body, "assign", {{"X", {"t"}}}, {{"Out", {"fresh"}}});
  return program;
}

fs::path write(const ScratchDir& dir, const pp::ProgramDesc& program) {
  const fs::path model = dir.path() / "net.pdmodel";
  std::ofstream(model, std::ios::binary) << program.SerializeAsString();
  return model;
}

const Node* find(const Graph& g, const std::string& type) {
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (const Node* n = g.node(id); n && n->op() == type) return n;
  return nullptr;
}

std::string error_of(const pp::ProgramDesc& program) {
  ScratchDir dir;
  try {
    read_paddle_model(write(dir, program).string());
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

using Names = std::vector<std::string>;

TEST(PaddleSubBlocks, WhileBodyHasCarriedCapturedAndConditionResults) {
  ScratchDir dir;
  auto g = read_paddle_model(write(dir, loop_program()).string());
  const Node* loop = find(*g, "paddle.while");
  ASSERT_NE(loop, nullptr);
  // acc and c exist before the op: loop-carried, in Out order; x is only read: captured.
  EXPECT_EQ(loop->attr<Names>("sub_block:carried"), (Names{"acc", "c"}));
  EXPECT_EQ(loop->attr<Names>("sub_block:captures"), Names{"x"});
  EXPECT_EQ(loop->attr<Names>("sub_block:results"), (Names{"acc", "c", "c"}));
  EXPECT_EQ(loop->attr<Names>("paddle:inputs"), (Names{"X", "X", "Condition", "sub_block:carried", "sub_block:carried"}));
  // inputs: X (x, acc), Condition (c), the carried acc and c, then the captured x
  ASSERT_EQ(loop->inputs().size(), 6u);
  EXPECT_EQ(g->output_info(loop->inputs()[5]).names, Names{"x"});
  const Graph& body = *loop->attr<GraphPtr>("sub_block");
  ASSERT_EQ(body.parameters().size(), 3u);  // acc, c (carried), x (captured)
  EXPECT_EQ(body.node(body.parameters()[0])->outputs[0].names, Names{"acc"});
  EXPECT_EQ(body.node(body.parameters()[2])->outputs[0].names, Names{"x"});
  ASSERT_EQ(body.results().size(), 3u);
  EXPECT_EQ(body.node(body.node(body.results()[1])->inputs()[0].node)->op(), "paddle.logical_not");
  // After the loop, block 0 reads acc from the while op.
  EXPECT_EQ(find(*g, "paddle.relu")->inputs()[0].node, loop->id());
}

TEST(PaddleSubBlocks, ConditionalBlockGetsAnElseBodyWithEarlierValuesAndPlaceholders) {
  ScratchDir dir;
  auto g = read_paddle_model(write(dir, loop_program("conditional_block")).string());
  const Node* cond = find(*g, "paddle.conditional_block");
  ASSERT_NE(cond, nullptr);
  EXPECT_EQ(cond->attr<Names>("sub_block:captures"), (Names{"x", "acc", "c"}));
  // acc had a value before: the else body passes it through; fresh had none: zeros [1, 3] i32.
  EXPECT_EQ(cond->attr<Names>("sub_block_else:captures"), Names{"acc"});
  const Graph& other = *cond->attr<GraphPtr>("sub_block_else");
  ASSERT_EQ(other.results().size(), 2u);
  EXPECT_EQ(other.node(other.node(other.results()[0])->inputs()[0].node)->op(), "opset1.Parameter");
  const Node& unset = *other.node(other.node(other.results()[1])->inputs()[0].node);
  EXPECT_EQ(unset.op(), "opset3.Broadcast");
  EXPECT_EQ(other.output_info(unset.output()).type, ElementType::i32);
  EXPECT_EQ(other.output_info(unset.output()).shape, PartialShape(std::vector<int64_t>{1, 3}));
  // Captured values come last: sub_block's (x, acc, c), then sub_block_else's (acc).
  ASSERT_EQ(cond->inputs().size(), 3u + 3u + 1u);
  EXPECT_EQ(g->output_info(cond->inputs()[6]).names, Names{"acc"});
}

TEST(PaddleSubBlocks, ABadSubBlockIndexNamesTheOp) {
  EXPECT_NE(error_of(loop_program("while", 5)).find("op 'acc' (paddle.while): sub_block 5 is not a sub-block"),
            std::string::npos)
      << error_of(loop_program("while", 5));
  EXPECT_NE(error_of(loop_program("while", 0)).find("sub_block 0 is not a sub-block"), std::string::npos);
}

TEST(PaddleSubBlocks, ASubBlockMustBeAChildOfTheOpsBlockAndUsedOnce) {
  pp::ProgramDesc program = loop_program();
  pp::OpDesc* inner = op(program.mutable_blocks(1), "while", {{"Condition", {"c"}}}, {{"Out", {"c"}}});
  int_attr(inner, "sub_block", pp::BLOCK, 1);  // the block itself: its parent is block 0
  EXPECT_NE(error_of(program).find("its sub_block 1 has parent block 0, not the op's block 1"), std::string::npos)
      << error_of(program);
  program = loop_program();
  pp::OpDesc* twice = op(program.mutable_blocks(0), "while", {{"Condition", {"c"}}}, {{"Out", {"c"}}});
  int_attr(twice, "sub_block", pp::BLOCK, 1);
  EXPECT_NE(error_of(program).find("block 1 is already the sub_block of another op"), std::string::npos)
      << error_of(program);
}

TEST(PaddleSubBlocks, NestingDeeperThanTheLimitIsAnError) {
  // Blocks 1..70, each the body of a while in the one before.
  pp::ProgramDesc program = loop_program();
  for (int b = 1; b <= 70; ++b) {
    pp::BlockDesc* next = b == 1 ? program.mutable_blocks(1) : block(program, b - 1);
    if (b > 1) {
      tensor_var(next, "t", {-1, 3});
      op(next, "logical_not", {{"X", {"c"}}}, {{"Out", {"c"}}});
    }
    if (b < 70) int_attr(op(next, "while", {{"Condition", {"c"}}}, {{"Out", {"c"}}}), "sub_block", pp::BLOCK, b + 1);
  }
  EXPECT_NE(error_of(program).find("REMO_MAX_GRAPH_DEPTH"), std::string::npos) << error_of(program);
}

TEST(PaddleSubBlocks, AFeedInASubBlockIsRefused) {
  pp::ProgramDesc program = loop_program();
  int_attr(op(program.mutable_blocks(1), "feed", {{"X", {"feed"}}}, {{"Out", {"t"}}}), "col", pp::INT, 2);
  EXPECT_NE(error_of(program).find("which only the main block may have"), std::string::npos) << error_of(program);
}

TEST(PaddleSubBlocks, AnOutVariableNobodyWritesIsNamed) {
  pp::ProgramDesc program = loop_program();
  program.mutable_blocks(0)->mutable_ops(3)->mutable_outputs(0)->add_arguments("ghost");
  EXPECT_NE(error_of(program).find("output variable 'ghost' is neither written by the sub-block nor defined before it"),
            std::string::npos)
      << error_of(program);
}

}  // namespace
}  // namespace remo
