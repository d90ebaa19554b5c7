#pragma once
// Broadcasting rules of the elementwise ops (auto_broadcast = numpy | none | pdpd) on partial
// shapes for inference, and the matching strides for evaluation.
#include <optional>
#include <string>
#include <vector>

#include "engine/graph/node.h"
#include "engine/graph/shape.h"

namespace remo {

enum class BroadcastMode { none, numpy, pdpd };

// The node's auto_broadcast attribute.
BroadcastMode broadcast_mode(const Node& node);

// The result shape of an elementwise op on `a` and `b`; nullopt when they are incompatible.
//  numpy: align trailing dimensions, a dimension of 1 stretches; a dynamic dimension meeting 1 stays
//         dynamic, meeting n > 1 becomes n.
//  none:  the shapes must agree.
//  pdpd:  the result is a's shape; b (aligned to a's trailing dimensions) may only have 1s or a's dims.
std::optional<PartialShape> broadcast_shapes(const PartialShape& a, const PartialShape& b,
                                             BroadcastMode mode);
// Same, with the message an op reports when the shapes do not broadcast.
PartialShape broadcast_or_throw(const PartialShape& a, const PartialShape& b, BroadcastMode mode);

// Strides, in elements, of a static `shape` read through the broadcast result shape `out` (its
// dimensions aligned to out's trailing ones; 0 where it is stretched). One entry per axis of out.
std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out);

}  // namespace remo
