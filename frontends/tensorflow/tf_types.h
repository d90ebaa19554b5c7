#pragma once
// TensorFlow DataType <-> remo ElementType.
#include <optional>
#include <string>

#include "engine/graph/element_type.h"
#include "frontends/tensorflow/proto/types.pb.h"

namespace remo::tf_import {

// The element type of a TensorFlow dtype; reference dtypes (DT_FLOAT_REF...) map like their
// base type and quantized ones (DT_QINT8...) like their storage type. nullopt for complex,
// resource, variant and float8 types, which remo cannot represent.
std::optional<ElementType> element_type_from_tf(int dtype);
// "DT_FLOAT", or "dtype 57" for a value the schema does not know, for messages.
std::string tf_type_name(int dtype);

}  // namespace remo::tf_import
