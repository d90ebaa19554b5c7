-- Operator-dialect ops of Paddle 3 PIR programs that have no legacy op (see
-- frontends/paddle/pir_ops.cpp, which names their slots).
local util = require("paddle_util")

-- shape64: the shape of Input as int64 (the legacy shape op gives int32).
remo.translate("paddle.shape64", function(node)
  local x = util.required(node, "Input")
  return util.outputs(node, {Out = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})})
end)
