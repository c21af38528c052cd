-- wrk script: POST the body in the file named by the first script argument,
-- with the Content-Type named by the second (default application/json) and
-- the Authorization header the third names, when given.
-- Used by bench/load; prints nothing itself, wrk's --latency output is parsed.
function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = args[2] or "application/json"
  if args[3] and args[3] ~= "" then
    wrk.headers["Authorization"] = args[3]
  end
end
