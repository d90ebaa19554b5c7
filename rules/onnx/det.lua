-- ONNX Det -> the Leibniz sum over permutations of the last two (static, small) dims:
--   det A = sum over permutations p of sign(p) * prod_i A[i, p(i)].
-- There is no determinant op in the opset; n <= 4 keeps the graph small (at most 24 terms).

local function i64(v) return remo.const(v, "i64") end

-- Every permutation of 0..n-1 with its sign.
local function permutations(n)
  local out = {}
  local function build(prefix, used, sign)
    if #prefix == n then
      out[#out + 1] = {perm = {table.unpack(prefix)}, sign = sign}
      return
    end
    local later = 0  -- unused values below the next pick count the inversions it adds
    for v = 0, n - 1 do
      if not used[v] then
        used[v] = true
        prefix[#prefix + 1] = v
        build(prefix, used, later % 2 == 0 and sign or -sign)
        prefix[#prefix] = nil
        used[v] = false
        later = later + 1
      end
    end
  end
  build({}, {}, 1)
  return out
end

remo.translate("onnx.Det", function(node)
  local x = node:input(1)
  local shape = x:shape()
  if shape == nil or #shape < 2 then error("Det needs an input of rank >= 2 ([..., n, n])") end
  local n = shape[#shape]
  if n < 0 or shape[#shape - 1] ~= n then error("Det needs square matrices of static size, got shape [" .. table.concat(shape, ",") .. "]") end
  if n > 4 then error("Det supports matrices up to 4x4, got " .. n .. "x" .. n) end
  local flat = remo.op("opset1.Reshape", {x, i64({-1, n * n})}, {special_zero = false})
  local columns = {}
  for i = 0, n * n - 1 do
    columns[i] = remo.op("opset8.Gather", {flat, i64(i), i64(1)}, {batch_dims = 0})  -- [batch]
  end
  local total = nil
  for _, p in ipairs(permutations(n)) do
    local term = columns[p.perm[1]]
    for row = 1, n - 1 do term = remo.op("opset1.Multiply", {term, columns[row * n + p.perm[row + 1]]}) end
    if total == nil then
      total = p.sign > 0 and term or remo.op("opset1.Negative", {term})
    else
      total = remo.op(p.sign > 0 and "opset1.Add" or "opset1.Subtract", {total, term})
    end
  end
  -- back to the batch dims (none: a scalar)
  local batch = {}
  for i = 1, #shape - 2 do batch[i] = shape[i] end
  local target
  if #batch == 0 then
    target = i64({})
  else
    local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
    target = remo.op("opset8.Slice", {dims, i64({0}), i64({#shape - 2}), i64({1}), i64({0})})
  end
  return remo.op("opset1.Reshape", {total, target}, {special_zero = false})
end)
