#pragma once
// NodeDef attributes -> Attributes. How each AttrValue kind arrives in remo:
//   s -> string, i -> int, f -> float, b -> bool, type -> element type, tensor -> Tensor,
//   shape -> list of ints (-1 for an unknown dimension); a shape of unknown rank is left out, as
//           if the attribute were absent,
//   list(s) -> strings, list(i) -> ints, list(f) -> floats, list(b) -> ints (0/1),
//   list(type) -> strings of element type names ("f32"), an empty list -> empty ints,
//   func -> the function's name as a string, its own attributes as "<attr>:<name>".
// Attributes whose name starts with "_" are TensorFlow's bookkeeping (_output_shapes, _class...):
// they are kept when they convert and dropped when they do not; any other attribute that does not
// convert (list(shape), list(tensor), a placeholder, an unsupported dtype) is an error.
#include "engine/graph/attribute.h"
#include "frontends/tensorflow/proto/node_def.pb.h"

namespace remo::tf_import {

// Throws remo::Error "attribute 'NAME': ..." for what cannot be converted.
Attributes convert_attributes(tensorflow::NodeDef& node);

}  // namespace remo::tf_import
