#pragma once
// Paddle frontend, legacy inference format: MODEL.pdmodel (a serialized ProgramDesc) plus
// MODEL.pdiparams beside it (see paddle_params.h), read without Paddle. The older layout is read
// too: a folder with the program in `__model__` and each persistable variable in a file named
// after it (the same per-tensor layout, one tensor per file); it is used when no
// MODEL.pdiparams is beside the program. A folder given as the model means FOLDER/__model__.
//
// The graph built from block 0 of the program:
// - each persistable variable is an opset1.Constant viewing the mapped .pdiparams;
// - each `feed` op makes an opset1.Parameter (in `col` order) with the fed variable's declared
//   type and shape (-1 for a dimension unknown until run time);
// - each `fetch` op makes an opset1.Result "<variable>/sink_port_0" (in `col` order);
// - every other op becomes one node "paddle.<type>" whose inputs are the arguments of its input
//   slots flattened in the order the OpDesc lists them, its outputs likewise; the attributes
//   "paddle:inputs" and "paddle:outputs" name the slot of each input and output ("X", "Filter",
//   "Out"...), and every OpDesc attribute is converted (paddle_attributes.h);
// - a program may write a variable again (batch_norm's MeanOut): a reader sees the latest write;
// - conditional_block and while get their `sub_block` as a body Graph (attribute "sub_block",
//   replacing the block index) built the same way: its Results are the op's Out variables
//   (while: then its Condition variable), named in "sub_block:results"; a variable the body
//   reads before writing it is captured from the enclosing block (a body Parameter, listed in
//   "sub_block:captures", its outer value appended to the node's inputs after everything else).
//   while's Out variables that exist before the op are loop-carried: the body's first
//   Parameters, listed in "sub_block:carried", their outer values inputs of slot
//   "sub_block:carried". conditional_block also gets "sub_block_else" (+ ":captures"): the
//   values its Out variables keep when the block does not run (their earlier value, or zeros of
//   the declared type and shape, 1 for an open dimension, for a variable that had none).
// graph.meta gets "framework" = "paddle" and "program_version".
#include <memory>
#include <string>

#include "engine/graph/graph.h"

namespace remo {

// Reads a .pdmodel (or __model__, or a folder holding one) and its parameters; a .json, or any
// file that starts with '{', is Paddle 3's PIR program and goes to read_paddle_pir_model
// (pir_reader.h). Throws remo::Error whose message starts with the file's
// path and names the op or variable that is wrong.
std::unique_ptr<Graph> read_paddle_model(const std::string& path);

}  // namespace remo
