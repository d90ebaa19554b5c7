-- Common-subexpression elimination and constant deduplication: a node computing exactly what an
-- earlier node computes (same op, attributes and inputs; constants compared by content) is
-- replaced by that earlier node. Walking in topological order merges whole duplicate chains, as
-- each merge makes the next nodes' inputs identical. Runs first in the middle phase, after the
-- constants have been folded, so the fusions that follow see one copy of each sub-graph.
remo.pass("common_subexpressions", "middle", function(graph)
  local first = {}
  for _, node in ipairs(graph:nodes()) do
    local signature = node:signature()
    if signature then
      local earlier = first[signature]
      if earlier then
        for i = 1, node:output_count() do
          graph:replace(node:output(i), earlier:output(i))
        end
      else
        first[signature] = node
      end
    end
  end
end)
