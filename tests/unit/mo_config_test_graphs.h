#pragma once
// Framework graphs shaped like the TensorFlow Object Detection API models that mo's configs
// (ssd_v2_support.json) are written for, built from plain framework nodes.
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/ops/op_registry.h"

namespace remo::test {

inline Node& fw(Graph& g, const std::string& op, const std::string& name, std::vector<Value> inputs, size_t outputs = 1) {
  return g.add_node(op, name, std::move(inputs), {}, outputs);
}

inline Value out(Graph& g, const std::string& name, uint32_t port = 0) { return g.find_node(name)->output(port); }

inline NodeId id_of(Graph& g, const std::string& name) { return g.find_node(name)->id(); }

// image -> Preprocessor/... -> FeatureExtractor -> BoxPredictor -> Postprocessor/... -> outputs
inline void build_ssd_like(Graph& g) {
  g.meta["framework"] = std::string("tf");
  make_op(g, "opset1.Parameter", {}, {{"shape", std::vector<int64_t>{1, 300, 300, 3}}, {"element_type", ElementType::f32}},
          "image_tensor");
  Value image = out(g, "image_tensor");
  fw(g, "tf.Const", "Preprocessor/map/Const", {});
  fw(g, "tf.Shape", "Preprocessor/map/Shape", {image});
  fw(g, "tf.Shape", "Preprocessor/map/TensorArrayUnstack/Shape", {image});
  fw(g, "tf.TensorArrayScatterV3", "Preprocessor/map/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3",
     {out(g, "Preprocessor/map/Const"), out(g, "Preprocessor/map/TensorArrayUnstack/Shape"), image});
  fw(g, "tf.TensorArrayGatherV3", "Preprocessor/map/TensorArrayStack/TensorArrayGatherV3",
     {out(g, "Preprocessor/map/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3"), out(g, "Preprocessor/map/Shape")});
  fw(g, "tf.TensorArrayGatherV3", "Preprocessor/map/TensorArrayStack_1/TensorArrayGatherV3", {out(g, "Preprocessor/map/Shape")});
  fw(g, "tf.Const", "Preprocessor/mul/x", {});
  fw(g, "tf.Mul", "Preprocessor/mul", {out(g, "Preprocessor/mul/x"), out(g, "Preprocessor/map/TensorArrayStack/TensorArrayGatherV3")});
  fw(g, "tf.Const", "Preprocessor/sub/y", {});
  fw(g, "tf.Sub", "Preprocessor/sub", {out(g, "Preprocessor/mul"), out(g, "Preprocessor/sub/y")});
  fw(g, "tf.Conv2D", "FeatureExtractor/conv", {out(g, "Preprocessor/sub")});
  fw(g, "tf.Identity", "BoxPredictor/boxes", {out(g, "FeatureExtractor/conv")});
  fw(g, "tf.Identity", "BoxPredictor/classes", {out(g, "FeatureExtractor/conv")});
  fw(g, "tf.Identity", "BoxPredictor/image_size", {out(g, "Preprocessor/map/TensorArrayStack_1/TensorArrayGatherV3")});
  for (const char* name : {"BoxPredictor/boxes", "BoxPredictor/classes"}) {
    g.find_node(name)->outputs[0].type = ElementType::f32;
    g.find_node(name)->outputs[0].shape = PartialShape(std::vector<int64_t>{1, 8});
  }
  fw(g, "tf.Const", "Postprocessor/Reshape/shape", {});
  fw(g, "tf.Reshape", "Postprocessor/Reshape", {out(g, "BoxPredictor/boxes"), out(g, "Postprocessor/Reshape/shape")});
  fw(g, "tf.Const", "Postprocessor/scale_logits/y", {});
  fw(g, "tf.Mul", "Postprocessor/scale_logits", {out(g, "BoxPredictor/classes"), out(g, "Postprocessor/scale_logits/y")});
  fw(g, "tf.Const", "Postprocessor/anchors", {});
  fw(g, "tf.Decode", "Postprocessor/Decode", {out(g, "Postprocessor/Reshape"), out(g, "Postprocessor/anchors")});
  fw(g, "tf.Identity", "Postprocessor/debug", {out(g, "Postprocessor/Decode")});
  fw(g, "tf.Cast", "Postprocessor/ToFloat", {out(g, "BoxPredictor/image_size")});
  fw(g, "tf.NonMaxSuppression", "Postprocessor/NMS",
     {out(g, "Postprocessor/Decode"), out(g, "Postprocessor/scale_logits"), out(g, "Postprocessor/ToFloat")}, 2);
  fw(g, "tf.Identity", "detection_boxes", {out(g, "Postprocessor/NMS", 0)});
  fw(g, "tf.Identity", "num_detections", {out(g, "Postprocessor/NMS", 1)});
  for (const char* name : {"detection_boxes", "num_detections"}) {
    g.find_node(name)->outputs[0].names = {name};
    make_op(g, "opset1.Result", {out(g, name)}, {}, std::string(name) + "/sink_port_0");
  }
}

}  // namespace remo::test
