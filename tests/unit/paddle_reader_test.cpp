// Paddle frontend: programs are built with the ProgramDesc classes compiled from
// frontends/paddle/proto/framework.proto, parameter files byte by byte in Paddle's layout, both
// written to a scratch folder and read back through read_paddle_model.
// GCC 12 reports false -Wrestrict positives inside std::string when string literals go through
// inlined protobuf setters and operator+ (GCC bug 105329); the test code is not affected.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
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

// ---- program building helpers -----------------------------------------------------------------

pp::VarDesc* add_tensor_var(pp::BlockDesc* block, const std::string& name, std::vector<int64_t> dims,
                            bool persistable = false, pp::VarType::Type type = pp::VarType::FP32) {
  pp::VarDesc* v = block->add_vars();
  v->set_name(name);
  v->set_persistable(persistable);
  v->mutable_type()->set_type(pp::VarType::DENSE_TENSOR);
  pp::VarType::TensorDesc* t = v->mutable_type()->mutable_dense_tensor()->mutable_tensor();
  t->set_data_type(type);
  for (int64_t d : dims) t->add_dims(d);
  return v;
}

void add_special_var(pp::BlockDesc* block, const std::string& name, pp::VarType::Type type) {
  pp::VarDesc* v = block->add_vars();
  v->set_name(name);
  v->set_persistable(true);
  v->mutable_type()->set_type(type);
}

pp::OpDesc::Attr* add_attr(pp::OpDesc* op, const std::string& name, pp::AttrType type) {
  pp::OpDesc::Attr* a = op->add_attrs();
  a->set_name(name);
  a->set_type(type);
  return a;
}

pp::OpDesc* add_op(pp::BlockDesc* block, const std::string& type,
                   std::vector<std::pair<std::string, std::vector<std::string>>> inputs,
                   std::vector<std::pair<std::string, std::vector<std::string>>> outputs) {
  pp::OpDesc* op = block->add_ops();
  op->set_type(type);
  for (auto& [slot, args] : inputs) {
    pp::OpDesc::Var* v = op->add_inputs();
    v->set_parameter(slot);
    for (auto& a : args) v->add_arguments(a);
  }
  for (auto& [slot, args] : outputs) {
    pp::OpDesc::Var* v = op->add_outputs();
    v->set_parameter(slot);
    for (auto& a : args) v->add_arguments(a);
  }
  return op;
}

void add_feed(pp::BlockDesc* block, const std::string& var, int col) {
  add_attr(add_op(block, "feed", {{"X", {"feed"}}}, {{"Out", {var}}}), "col", pp::INT)->set_i(col);
}
void add_fetch(pp::BlockDesc* block, const std::string& var, int col) {
  add_attr(add_op(block, "fetch", {{"X", {var}}}, {{"Out", {"fetch"}}}), "col", pp::INT)->set_i(col);
}

// y = relu(x + w): one feed, one persistable "w", one fetch.
pp::ProgramDesc small_program() {
  pp::ProgramDesc program;
  pp::BlockDesc* block = program.add_blocks();
  block->set_idx(0);
  block->set_parent_idx(-1);
  add_special_var(block, "feed", pp::VarType::FEED_MINIBATCH);
  add_special_var(block, "fetch", pp::VarType::FETCH_LIST);
  add_tensor_var(block, "x", {-1, 2});
  add_tensor_var(block, "w", {2}, true);
  add_tensor_var(block, "s", {-1, 2});
  add_tensor_var(block, "y", {-1, 2});
  add_feed(block, "x", 0);
  add_attr(add_op(block, "elementwise_add", {{"X", {"x"}}, {"Y", {"w"}}}, {{"Out", {"s"}}}), "axis", pp::INT)
      ->set_i(-1);
  add_op(block, "relu", {{"X", {"s"}}}, {{"Out", {"y"}}});
  add_fetch(block, "y", 0);
  program.mutable_version()->set_version(3000000);
  return program;
}

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

// One tensor in Paddle's combined-parameter layout.
std::string param_record(pp::VarType::Type type, std::vector<int64_t> dims, const std::string& data,
                         uint64_t lod_levels = 0) {
  std::string out;
  put<uint32_t>(out, 0);  // version
  put<uint64_t>(out, lod_levels);
  for (uint64_t l = 0; l < lod_levels; ++l) {
    put<uint64_t>(out, 16);
    put<uint64_t>(out, 0);
    put<uint64_t>(out, 1);
  }
  put<uint32_t>(out, 0);  // tensor version
  pp::VarType::TensorDesc desc;
  desc.set_data_type(type);
  for (int64_t d : dims) desc.add_dims(d);
  std::string bytes = desc.SerializeAsString();
  put<int32_t>(out, static_cast<int32_t>(bytes.size()));
  return out + bytes + data;
}

std::string floats(std::vector<float> values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

fs::path write_model(const ScratchDir& dir, const pp::ProgramDesc& program, const std::string& params) {
  const fs::path model = dir.path() / "net.pdmodel";
  write_file(model, program.SerializeAsString());
  write_file(dir.path() / "net.pdiparams", params);
  return model;
}

std::string error_of(const fs::path& model) {
  try {
    read_paddle_model(model.string());
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

const Node* find(const Graph& g, const std::string& op) {
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (const Node* n = g.node(id); n && n->op() == op) return n;
  return nullptr;
}

// ---- tests --------------------------------------------------------------------------------------

TEST(PaddleReader, BuildsFeedsOpsConstantsAndFetches) {
  ScratchDir dir;
  fs::path model = write_model(dir, small_program(), param_record(pp::VarType::FP32, {2}, floats({1, 2})));
  auto g = read_paddle_model(model.string());
  EXPECT_EQ(std::get<std::string>(g->meta.at("framework")), "paddle");
  EXPECT_EQ(std::get<int64_t>(g->meta.at("program_version")), 3000000);
  ASSERT_EQ(g->parameters().size(), 1u);
  const Node& x = *g->node(g->parameters()[0]);
  EXPECT_EQ(x.outputs[0].names, std::vector<std::string>{"x"});
  EXPECT_EQ(x.attr<std::vector<int64_t>>("shape"), (std::vector<int64_t>{kDynamicDim, 2}));
  const Node* add = find(*g, "paddle.elementwise_add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->attr<std::vector<std::string>>("paddle:inputs"), (std::vector<std::string>{"X", "Y"}));
  EXPECT_EQ(add->attr<std::vector<std::string>>("paddle:outputs"), std::vector<std::string>{"Out"});
  EXPECT_EQ(add->attr<int64_t>("axis"), -1);
  const Node& w = *g->node(add->inputs()[1].node);
  ASSERT_EQ(w.op(), "opset1.Constant");
  const Tensor& t = w.attr<Tensor>("value");
  EXPECT_TRUE(t.is_mapped());
  EXPECT_EQ(t.at<float>(1), 2.0f);
  ASSERT_EQ(g->results().size(), 1u);
  EXPECT_EQ(g->node(g->results()[0])->name, "y/sink_port_0");
  EXPECT_EQ(g->node(g->results()[0])->inputs()[0].node, find(*g, "paddle.relu")->id());
}

TEST(PaddleReader, ConvertsEveryAttributeType) {
  ScratchDir dir;
  pp::ProgramDesc program = small_program();
  pp::OpDesc* op = program.mutable_blocks(0)->mutable_ops(2);  // relu
  add_attr(op, "i", pp::INT)->set_i(-3);
  add_attr(op, "l", pp::LONG)->set_l(int64_t{1} << 40);
  add_attr(op, "f", pp::FLOAT)->set_f(0.5f);
  add_attr(op, "d", pp::FLOAT64)->set_float64(0.25);
  add_attr(op, "s", pp::STRING)->set_s("NCHW");
  add_attr(op, "b", pp::BOOLEAN)->set_b(true);
  auto* ints = add_attr(op, "ints", pp::INTS);
  ints->add_ints(1), ints->add_ints(2);
  auto* longs = add_attr(op, "longs", pp::LONGS);
  longs->add_longs(int64_t{1} << 35);
  auto* bools = add_attr(op, "bools", pp::BOOLEANS);
  bools->add_bools(true), bools->add_bools(false);
  auto* fl = add_attr(op, "floats", pp::FLOATS);
  fl->add_floats(1.5f);
  auto* f64s = add_attr(op, "f64s", pp::FLOAT64S);
  f64s->add_float64s(2.5);
  auto* strs = add_attr(op, "strs", pp::STRINGS);
  strs->add_strings("a"), strs->add_strings("b");
  add_attr(op, "blk", pp::BLOCK)->set_block_idx(1);
  auto* blks = add_attr(op, "blks", pp::BLOCKS);
  blks->add_blocks_idx(1), blks->add_blocks_idx(2);
  add_attr(op, "var", pp::VAR)->set_var_name("s");
  auto* vars = add_attr(op, "vars", pp::VARS);
  vars->add_vars_name("s"), vars->add_vars_name("x");
  auto* sc = add_attr(op, "scalar", pp::SCALAR);
  sc->mutable_scalar()->set_type(pp::Scalar::FLOAT64), sc->mutable_scalar()->set_r(1.25);
  auto* sci = add_attr(op, "scalar_i", pp::SCALAR);
  sci->mutable_scalar()->set_type(pp::Scalar::LONG), sci->mutable_scalar()->set_i(7);
  auto* scb = add_attr(op, "scalar_b", pp::SCALAR);
  scb->mutable_scalar()->set_type(pp::Scalar::BOOLEAN), scb->mutable_scalar()->set_b(true);
  auto* scs = add_attr(op, "scalars_i", pp::SCALARS);
  auto* s1 = scs->add_scalars();
  s1->set_type(pp::Scalar::LONG), s1->set_i(4);
  auto* s2 = scs->add_scalars();
  s2->set_type(pp::Scalar::BOOLEAN), s2->set_b(true);
  auto* scf = add_attr(op, "scalars_f", pp::SCALARS);
  auto* s3 = scf->add_scalars();
  s3->set_type(pp::Scalar::LONG), s3->set_i(4);
  auto* s4 = scf->add_scalars();
  s4->set_type(pp::Scalar::FLOAT64), s4->set_r(0.5);
  add_attr(op, "op_callstack", pp::STRINGS)->add_strings("File x.py, line 1");

  auto g = read_paddle_model(write_model(dir, program, param_record(pp::VarType::FP32, {2}, floats({1, 2}))).string());
  const Node& relu = *find(*g, "paddle.relu");
  EXPECT_EQ(relu.attr<int64_t>("i"), -3);
  EXPECT_EQ(relu.attr<int64_t>("l"), int64_t{1} << 40);
  EXPECT_EQ(relu.attr<double>("f"), 0.5);
  EXPECT_EQ(relu.attr<double>("d"), 0.25);
  EXPECT_EQ(relu.attr<std::string>("s"), "NCHW");
  EXPECT_TRUE(relu.attr<bool>("b"));
  EXPECT_EQ(relu.attr<std::vector<int64_t>>("ints"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(relu.attr<std::vector<int64_t>>("longs"), (std::vector<int64_t>{int64_t{1} << 35}));
  EXPECT_EQ(relu.attr<std::vector<int64_t>>("bools"), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(relu.attr<std::vector<double>>("floats"), (std::vector<double>{1.5}));
  EXPECT_EQ(relu.attr<std::vector<double>>("f64s"), (std::vector<double>{2.5}));
  EXPECT_EQ(relu.attr<std::vector<std::string>>("strs"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(relu.attr<int64_t>("blk"), 1);
  EXPECT_EQ(relu.attr<std::vector<int64_t>>("blks"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(relu.attr<std::string>("var"), "s");
  EXPECT_EQ(relu.attr<std::vector<std::string>>("vars"), (std::vector<std::string>{"s", "x"}));
  EXPECT_EQ(relu.attr<double>("scalar"), 1.25);
  EXPECT_EQ(relu.attr<int64_t>("scalar_i"), 7);
  EXPECT_TRUE(relu.attr<bool>("scalar_b"));
  EXPECT_EQ(relu.attr<std::vector<int64_t>>("scalars_i"), (std::vector<int64_t>{4, 1}));
  EXPECT_EQ(relu.attr<std::vector<double>>("scalars_f"), (std::vector<double>{4.0, 0.5}));
  EXPECT_FALSE(relu.has_attr("op_callstack"));
}

TEST(PaddleReader, RefusesComplexScalarsNamingTheOpAndAttribute) {
  ScratchDir dir;
  pp::ProgramDesc program = small_program();
  auto* sc = add_attr(program.mutable_blocks(0)->mutable_ops(2), "c", pp::SCALAR)->mutable_scalar();
  sc->set_type(pp::Scalar::COMPLEX128);
  std::string e = error_of(write_model(dir, program, param_record(pp::VarType::FP32, {2}, floats({1, 2}))));
  EXPECT_NE(e.find("op 'y' (paddle.relu): attribute 'c' complex scalars are not supported"), std::string::npos) << e;
}

TEST(PaddleReader, ReadsParametersInNameOrderSkippingLoD) {
  ScratchDir dir;
  pp::ProgramDesc program = small_program();
  pp::BlockDesc* block = program.mutable_blocks(0);
  add_tensor_var(block, "a_bias", {1}, true, pp::VarType::INT64);  // sorts before "w"
  // a second reader of a_bias keeps it alive
  add_op(block, "assign", {{"X", {"a_bias"}}}, {{"Out", {"copy"}}});
  int64_t seven = 7;
  std::string params = param_record(pp::VarType::INT64, {1}, std::string(reinterpret_cast<char*>(&seven), 8), 1) +
                       param_record(pp::VarType::FP32, {2}, floats({3, 4}));
  auto g = read_paddle_model(write_model(dir, program, params).string());
  const Node& assign = *find(*g, "paddle.assign");
  const Tensor& bias = g->node(assign.inputs()[0].node)->attr<Tensor>("value");
  EXPECT_EQ(bias.type(), ElementType::i64);
  EXPECT_EQ(bias.at<int64_t>(0), 7);
  const Node& add = *find(*g, "paddle.elementwise_add");
  EXPECT_EQ(g->node(add.inputs()[1].node)->attr<Tensor>("value").at<float>(0), 3.0f);
}

TEST(PaddleReader, TruncatedParamsNameTheVariableAndTheBytes) {
  ScratchDir dir;
  std::string params = param_record(pp::VarType::FP32, {2}, floats({1, 2}));
  params.resize(params.size() - 3);
  std::string e = error_of(write_model(dir, small_program(), params));
  EXPECT_NE(e.find("net.pdiparams: variable 'w': truncated data of shape [2] f32: needs 8 bytes"), std::string::npos)
      << e;
  EXPECT_NE(e.find("but the file has 5 left"), std::string::npos) << e;
}

TEST(PaddleReader, TruncatedHeaderNamesTheVariable) {
  ScratchDir dir;
  std::string e = error_of(write_model(dir, small_program(), std::string(6, '\0')));
  EXPECT_NE(e.find("variable 'w': truncated LoD level count: needs 8 bytes"), std::string::npos) << e;
}

TEST(PaddleReader, ExtraBytesAfterTheLastParameterAreAnError) {
  ScratchDir dir;
  std::string e = error_of(write_model(dir, small_program(), param_record(pp::VarType::FP32, {2}, floats({1, 2})) + "x"));
  EXPECT_NE(e.find("1 bytes are left after the last of the 1 persistable variables"), std::string::npos) << e;
}

TEST(PaddleReader, GarbageTensorDescriptionIsAnError) {
  ScratchDir dir;
  std::string params;
  put<uint32_t>(params, 0);
  put<uint64_t>(params, 0);
  put<uint32_t>(params, 0);
  put<int32_t>(params, 4);
  params += "\xff\xff\xff\xff";
  std::string e = error_of(write_model(dir, small_program(), params));
  EXPECT_NE(e.find("variable 'w' (at offset 20): the tensor description is not a valid TensorDesc"), std::string::npos)
      << e;
}

TEST(PaddleReader, UnsupportedTensorVersionIsAnError) {
  ScratchDir dir;
  std::string params = param_record(pp::VarType::FP32, {2}, floats({1, 2}));
  params[0] = 5;
  std::string e = error_of(write_model(dir, small_program(), params));
  EXPECT_NE(e.find("variable 'w' (at offset 0): unsupported tensor version 5"), std::string::npos) << e;
}

TEST(PaddleReader, AnUnsupportedParameterTypeIsNamed) {
  ScratchDir dir;
  std::string e = error_of(write_model(dir, small_program(), param_record(pp::VarType::COMPLEX64, {2}, std::string(16, 'x'))));
  EXPECT_NE(e.find("variable 'w' (at offset 20): unsupported element type COMPLEX64"), std::string::npos) << e;
}

TEST(PaddleReader, AHugeLoDLevelIsATruncation) {
  ScratchDir dir;
  std::string params;
  put<uint32_t>(params, 0);
  put<uint64_t>(params, 1);
  put<uint64_t>(params, uint64_t{1} << 62);
  std::string e = error_of(write_model(dir, small_program(), params));
  EXPECT_NE(e.find("variable 'w': truncated LoD level: needs 4611686018427387904 bytes at offset 20"),
            std::string::npos)
      << e;
}

TEST(PaddleReader, ANegativeDescriptionSizeIsAnError) {
  ScratchDir dir;
  std::string params;
  put<uint32_t>(params, 0);
  put<uint64_t>(params, 0);
  put<uint32_t>(params, 0);
  put<int32_t>(params, -5);
  std::string e = error_of(write_model(dir, small_program(), params));
  EXPECT_NE(e.find("negative tensor description size -5"), std::string::npos) << e;
}

TEST(PaddleReader, AFedVariableOfAnUnsupportedTypeIsNamed) {
  ScratchDir dir;
  pp::ProgramDesc program = small_program();
  program.mutable_blocks(0)->mutable_vars(2)->mutable_type()->mutable_dense_tensor()->mutable_tensor()->set_data_type(
      pp::VarType::COMPLEX128);
  std::string e = error_of(write_model(dir, program, param_record(pp::VarType::FP32, {2}, floats({1, 2}))));
  EXPECT_NE(e.find("(paddle.feed): fed variable 'x' has unsupported element type COMPLEX128"), std::string::npos) << e;
}

TEST(PaddleReader, GarbageProgramIsAnError) {
  ScratchDir dir;
  const fs::path model = dir.path() / "bad.pdmodel";
  write_file(model, "\x0a\xff\xff\xff\xff\x0f garbage");
  EXPECT_EQ(error_of(model), model.string() + ": not a valid Paddle program (ProgramDesc)");
}

TEST(PaddleReader, MissingParamsFileIsAnError) {
  ScratchDir dir;
  const fs::path model = dir.path() / "net.pdmodel";
  write_file(model, small_program().SerializeAsString());
  std::string e = error_of(model);
  EXPECT_NE(e.find("the program has 1 persistable variables, but neither 'net.pdiparams' nor a file 'w' for "
                   "variable 'w' is in the model's folder"),
            std::string::npos)
      << e;
}

// The older layout: __model__ plus one file per persistable variable, named after it.
TEST(PaddleReader, ReadsOneFilePerVariableFromAFolder) {
  ScratchDir dir;
  pp::ProgramDesc program = small_program();
  add_tensor_var(program.mutable_blocks(0), "b", {1}, true);
  add_op(program.mutable_blocks(0), "assign", {{"X", {"b"}}}, {{"Out", {"copy"}}});
  write_file(dir.path() / "__model__", program.SerializeAsString());
  write_file(dir.path() / "w", param_record(pp::VarType::FP32, {2}, floats({5, 6})));
  write_file(dir.path() / "b", param_record(pp::VarType::FP32, {1}, floats({9})));
  auto g = read_paddle_model(dir.path().string());  // the folder stands for its __model__
  const Node& add = *find(*g, "paddle.elementwise_add");
  EXPECT_EQ(g->node(add.inputs()[1].node)->attr<Tensor>("value").at<float>(1), 6.0f);
  const Node& assign = *find(*g, "paddle.assign");
  EXPECT_EQ(g->node(assign.inputs()[0].node)->attr<Tensor>("value").at<float>(0), 9.0f);
}

TEST(PaddleReader, AVariableFileWithExtraBytesIsAnError) {
  ScratchDir dir;
  write_file(dir.path() / "__model__", small_program().SerializeAsString());
  write_file(dir.path() / "w", param_record(pp::VarType::FP32, {2}, floats({5, 6})) + "xy");
  std::string e = error_of(dir.path() / "__model__");
  EXPECT_NE(e.find("/w: 2 bytes are left after the last of the 1 persistable variables"), std::string::npos) << e;
}

TEST(PaddleReader, AVariableNameThatIsNotAFileNameIsRefused) {
  ScratchDir dir;
  pp::ProgramDesc program = small_program();
  pp::BlockDesc* block = program.mutable_blocks(0);
  block->mutable_vars(3)->set_name("../w");  // the persistable "w"
  block->mutable_ops(1)->mutable_inputs(1)->set_arguments(0, "../w");
  write_file(dir.path() / "__model__", program.SerializeAsString());
  std::string e = error_of(dir.path() / "__model__");
  EXPECT_NE(e.find("persistable variable '../w': '../w' cannot be a file name in the model's folder"),
            std::string::npos)
      << e;
}

TEST(PaddleReader, AVariableFileLinkedOutsideTheFolderIsRefused) {
  ScratchDir dir, elsewhere;
  write_file(elsewhere.path() / "w", param_record(pp::VarType::FP32, {2}, floats({1, 2})));
  write_file(dir.path() / "__model__", small_program().SerializeAsString());
  fs::create_symlink(elsewhere.path() / "w", dir.path() / "w");
  std::string e = error_of(dir.path() / "__model__");
  EXPECT_NE(e.find("outside the model's folder"), std::string::npos) << e;
}

TEST(PaddleReader, ParamsOutsideTheModelFolderAreRefused) {
  ScratchDir dir, elsewhere;
  write_file(elsewhere.path() / "secret.pdiparams", param_record(pp::VarType::FP32, {2}, floats({1, 2})));
  const fs::path model = dir.path() / "net.pdmodel";
  write_file(model, small_program().SerializeAsString());
  fs::create_symlink(elsewhere.path() / "secret.pdiparams", dir.path() / "net.pdiparams");
  std::string e = error_of(model);
  EXPECT_NE(e.find("outside the model's folder"), std::string::npos) << e;
}

TEST(PaddleReader, ReadingAnUnwrittenVariableNamesTheOp) {
  ScratchDir dir;
  pp::ProgramDesc program = small_program();
  program.mutable_blocks(0)->mutable_ops(2)->mutable_inputs(0)->set_arguments(0, "nowhere");
  std::string e = error_of(write_model(dir, program, param_record(pp::VarType::FP32, {2}, floats({1, 2}))));
  EXPECT_NE(e.find("op 'y' (paddle.relu): reads variable 'nowhere', which no earlier op or feed writes"),
            std::string::npos)
      << e;
}

TEST(PaddleReader, AVariableWrittenTwiceIsReadAtItsLatestWrite) {
  ScratchDir dir;
  pp::ProgramDesc program = small_program();
  pp::BlockDesc* block = program.mutable_blocks(0);
  // relu writes y; then scale rewrites y in place; the fetch must read the scale.
  pp::OpDesc* fetch = block->mutable_ops(3);
  pp::OpDesc saved = *fetch;
  *fetch = pp::OpDesc();
  fetch->set_type("scale");
  auto* in = fetch->add_inputs();
  in->set_parameter("X"), in->add_arguments("y");
  auto* out = fetch->add_outputs();
  out->set_parameter("Out"), out->add_arguments("y");
  *block->add_ops() = saved;
  auto g = read_paddle_model(write_model(dir, program, param_record(pp::VarType::FP32, {2}, floats({1, 2}))).string());
  EXPECT_EQ(g->node(g->node(g->results()[0])->inputs()[0].node)->op(), "paddle.scale");
}

TEST(PaddleReader, NoFetchIsAnError) {
  ScratchDir dir;
  pp::ProgramDesc program = small_program();
  program.mutable_blocks(0)->mutable_ops()->RemoveLast();
  std::string e = error_of(write_model(dir, program, param_record(pp::VarType::FP32, {2}, floats({1, 2}))));
  EXPECT_NE(e.find("the program has no fetch op"), std::string::npos) << e;
}

}  // namespace
}  // namespace remo
