-- Ops that check or print at run time and compute nothing an inference graph needs: graphs keep
-- them (tf.debugging.assert_*, tf.print, tf.ensure_shape, tf.debugging.check_numerics) tied to the
-- computation by control edges, which the reader drops once they have ordered nothing else.

-- No outputs: nothing to compute (the reader makes no graph output of them either).
for _, op in ipairs({"tf.Assert", "tf.PrintV2"}) do
  remo.translate(op, function(node) return nil end)
end

-- Print, CheckNumerics(V2), EnsureShape pass their first input through.
for _, op in ipairs({"tf.Print", "tf.CheckNumerics", "tf.CheckNumericsV2", "tf.EnsureShape"}) do
  remo.translate(op, function(node) return node:input(1) end)
end
