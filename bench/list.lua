-- wrk script: GET the request paths listed in a file (args[1]), one per line,
-- in turn; thread k of n (args[2]) takes lines k, k+n, k+2n, ...
local threads = 0
function setup(thread)
    thread:set("id", threads)
    threads = threads + 1
end

local paths = {}
local n, stride = 0, 1
function init(args)
    for line in io.lines(args[1]) do
        if line ~= "" then paths[#paths + 1] = line end
    end
    stride = tonumber(args[2]) or 1
    n = id or 0
end

function request()
    local path = paths[(n % #paths) + 1]
    n = n + stride
    return wrk.format("GET", path)
end
