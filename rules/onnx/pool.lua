-- ONNX pooling -> MaxPool-8 / AvgPool-1 / ReduceMean / ReduceMax.
local util = require("onnx_util")

local function pool_attrs(node, spatial)
  local kernel = node:attr("kernel_shape")
  if #kernel ~= spatial then error("kernel_shape has " .. #kernel .. " values, expected " .. spatial) end
  local pads_begin, pads_end = util.split_pads(node:attr("pads", nil), spatial)
  return {
    kernel = kernel,
    strides = util.spatial(node, "strides", spatial),
    pads_begin = pads_begin,
    pads_end = pads_end,
    auto_pad = util.auto_pad(node),
    rounding_type = node:attr("ceil_mode", 0) == 1 and "ceil" or "floor",
  }
end

remo.translate("onnx.MaxPool", function(node)
  local x = node:input(1)
  local spatial = util.rank(x, "MaxPool") - 2
  local attrs = pool_attrs(node, spatial)
  attrs.dilations = util.spatial(node, "dilations", spatial)
  attrs.index_element_type = "i64"
  -- ONNX indices count over the whole N,C,H,W tensor (storage_order 0), as axis 0 does.
  attrs.axis = 0
  if node:output_count() > 1 and node:attr("storage_order", 0) ~= 0 then
    error("MaxPool indices in column-major storage_order are not supported")
  end
  return remo.op("opset8.MaxPool", {x}, attrs)
end)

remo.translate("onnx.AveragePool", function(node)
  local x = node:input(1)
  local spatial = util.rank(x, "AveragePool") - 2
  local attrs = pool_attrs(node, spatial)
  for _, d in ipairs(util.spatial(node, "dilations", spatial)) do
    if d ~= 1 then error("AveragePool with dilations is not supported by AvgPool-1") end
  end
  attrs["exclude-pad"] = node:attr("count_include_pad", 0) == 0
  return remo.op("opset1.AvgPool", {x}, attrs)
end)

local function global_pool(op)
  return function(node)
    local x = node:input(1)
    local axes = {}
    for i = 2, util.rank(x, node.type) - 1 do axes[#axes + 1] = i end
    return remo.op(op, {x, remo.const(axes, "i64")}, {keep_dims = true})
  end
end

remo.translate("onnx.GlobalAveragePool", global_pool("opset1.ReduceMean"))
remo.translate("onnx.GlobalMaxPool", global_pool("opset1.ReduceMax"))
