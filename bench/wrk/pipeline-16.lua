-- wrk script for bench/server.bench.ts: HTTP/1.1 pipelining, 16 GET requests per write on
-- each connection; wrk counts each of the 16 responses as a request.
init = function(args)
  local one = wrk.format("GET", "/")
  burst = string.rep(one, 16)
end

request = function()
  return burst
end
