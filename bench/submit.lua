-- wrk script: POST a progress report for each line "cookie<TAB>task<TAB>period"
-- of a file (args[1]); thread k of n (args[2]) takes lines k, k+n, k+2n, ...
-- so no two requests name the same (task, org, period) and every one inserts
-- a new report. Each request carries its own reporter's session cookie.
local threads = {}
function setup(thread)
    thread:set("id", #threads)
    table.insert(threads, thread)
end

local subs = {}
local n, stride = 0, 1
function init(args)
    for line in io.lines(args[1]) do
        local cookie, task, period = line:match("^([^\t]+)\t(%d+)\t(%d%d%d%d%-%d%d)$")
        if cookie then subs[#subs + 1] = { cookie = cookie, task = task, period = period } end
    end
    stride = tonumber(args[2]) or 1
    n = id or 0
    total = #subs
end

local body = '{"period":"%s","percent_done":40,"narrative":"基准测试：本月按计划推进。","problems":"","next_steps":"继续推进。","actuals":[]}'
function request()
    local s = subs[(n % #subs) + 1]
    n = n + stride
    local headers = { ["Content-Type"] = "application/json", ["Cookie"] = s.cookie }
    return wrk.format("POST", "/api/v1/tasks/" .. s.task .. "/reports", headers, string.format(body, s.period))
end

-- Warn when the run outlasted the list: later requests resubmitted (updated) reports.
function done(summary, latency, requests)
    local total = threads[1]:get("total") or 0
    if summary.requests > total then
        io.write(string.format("WARNING: %d requests but only %d fresh submissions; the rest were resubmissions\n", summary.requests, total))
    else
        io.write(string.format("fresh submissions used: %d of %d\n", summary.requests, total))
    end
end
