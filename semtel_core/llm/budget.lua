-- One provider key's rate budget and the controller that sets its rates. It runs inside Redis (EVALSHA, atomic,
-- shared by every process on the key) or, when Redis is unreachable, inside the process through lupa with the
-- same code (semtel_core/llm/budget.py). State is one hash; every field is a number.
--
--   EVALSHA sha 1 <key> <op> <now|-1> <update args: 14> <op args...>
--
-- Per dimension d in {r = requests, t = tokens}: d.."r" the rate we pace at (per second; absent = unknown, so
-- unpaced), d.."l" the bucket level (may go into debt: a reservation is taken at once and its caller sleeps the
-- debt off, so waiters are served in arrival order across processes), d.."m" the remembered ceiling (what got
-- through when the server last said 429), d.."h" the limit a header announced, d.."c" a configured limit,
-- d.."d" the delivered count, exponentially decayed with time constant TAU (delivered rate = d/TAU).
--
-- The controller needs no headers: it learns the ceiling from 429s and the delivered rate. A 429 of a request
-- sent after the last cut cuts the rate (at most once per round trip) to min(rate x BETA, delivered x MARGIN)
-- and remembers the delivered rate as the ceiling; without 429s the rate returns to just under that ceiling
-- with time constant FAST_TAU, then probes above it slowly, faster the longer no 429 comes (PROBE doubling
-- every PROBE_DOUBLE_S), after a hold that grows with every cut confirming the ceiling ("conf"). A rate grows
-- only while demand uses it (delivered >= USED x rate). Headers are hints:
-- an announced limit caps the rate and seeds an unknown one; it never raises a rate that 429s have cut.

local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
if now < 0 then -- the store's own clock (a simulated one in tests passes its time)
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end

local TAU = 2.0
local BETA = 0.9
local DEEPEST = 0.5 -- within a storm no cut takes more than half: delivery measured in a pause undershoots
local MARGIN = 0.97
local HOLD_S = 1.0
local FAST_TAU = 2.0
local FAST_TARGET = 0.98
local PROBE = 0.002
local PROBE_DOUBLE_S = 10.0
local PROBE_MAX = 0.05
local CONFIRM_HOLD_S = 10.0 -- each cut that lands within CONFIRM_TOL of the remembered ceiling (it is known)
local CONFIRM_TOL = 0.05 -- holds the rate just under it this much longer before probing, up to
local CONFIRM_MAX = 3 -- this many: fewer probes of a ceiling that keeps answering the same, fewer 429s
local EST_MIN_S, EST_MAX_S = 5.0, 300.0 -- cuts this far apart measure the ceiling (see the reject op)
local USED = 0.8
local MEMORY = 0.7 -- a cut lowers the remembered ceiling by at most this factor (delivery collapses in a storm)
local PAUSE_S = 0.25 -- a cut also pauses sending: 0.25 s, doubling with every cut that follows within
local PAUSE_RUN_S = 5.0 -- this many seconds of the previous one (a server whose rejections are charged
local PAUSE_MAX_S = 1.0 -- needs silence to climb out of its debt), up to this
local MIN_CUT_GAP_S = 0.2 -- cuts at least a round trip apart (the no-load latency), and never closer than this
local SS_START = 8.0 -- slow start: with nothing known, requests are paced from 8/s (a full bucket to begin
-- with, as TCP's initial window), and every success adds
local SS_GAIN = 2.0 -- this much to the rate (it doubles about every 0.35 s of answers), until a 429 or header
local MIN_RATE_S = 0.05 -- never pace below one request per 20 s (in tokens: one average request per 20 s)
local RATIO_TOKENS = 5000.0 -- usage samples of this many tokens move the token ratio by 63 %
local TTL_MS = 86400000 -- what a key learned outlives its processes by a day

local raw = redis.call('HGETALL', key)
local s = {}
for i = 1, #raw, 2 do s[raw[i]] = tonumber(raw[i + 1]) end
local function g(name, default)
  local v = s[name]
  if v == nil then return default end
  return v
end
local dims = { 'r', 't' }

-- update args, the same for every op
local settle = { r = tonumber(ARGV[3]), t = tonumber(ARGV[4]) }
local ok = { r = tonumber(ARGV[5]), t = tonumber(ARGV[6]) }
local srv_tok, cli_tok = tonumber(ARGV[7]), tonumber(ARGV[8])
local hint = { r = tonumber(ARGV[9]) / 60, t = tonumber(ARGV[10]) / 60 }
local cfg = { r = tonumber(ARGV[11]) / 60, t = tonumber(ARGV[12]) / 60 }
local burst = tonumber(ARGV[13])
local headroom = tonumber(ARGV[14])
local rtt = tonumber(ARGV[15])
local A = 16 -- first op argument

local last = g('t', now)
local elapsed = math.max(0, now - last)
local decay = math.exp(-elapsed / TAU)

local function delivered(d)
  local count = g(d .. 'd', 0)
  local since = now - g('ds', now)
  local filled = 1 - math.exp(-math.max(since, 0.25) / TAU)
  return count / (TAU * filled)
end

local function cap(d)
  local c = math.huge
  if cfg[d] > 0 then c = cfg[d] * headroom
  elseif g(d .. 'h', 0) > 0 then c = g(d .. 'h', 0) * headroom end
  return c
end

local function floor_rate(d)
  if d == 'r' then return MIN_RATE_S end
  local per_request = g('td', 0) / math.max(g('rd', 0), 1e-9)
  if g('rd', 0) <= 0 then per_request = 1 end
  return MIN_RATE_S * math.max(per_request, 1)
end

-- refill the buckets (d.."q" counts every unit ever refilled: a reservation's turn comes when it reaches the
-- reservation's position, so a queue drains faster as soon as the rate grows), decay the delivered counts
for _, d in ipairs(dims) do
  local rate = g(d .. 'r', 0)
  if rate > 0 then
    local level = g(d .. 'l', 0)
    local refilled = math.min(rate * burst, level + elapsed * rate)
    s[d .. 'l'] = refilled
    s[d .. 'q'] = g(d .. 'q', 0) + math.max(0, refilled - level)
  end
  s[d .. 'd'] = g(d .. 'd', 0) * decay
end
s.t = math.max(last, now)

-- limits from configuration and headers: seed an unknown rate, cap a known one
local any_cap = false
for _, d in ipairs(dims) do any_cap = any_cap or cap(d) < math.huge end
if g('ss', 0) == 1 and any_cap then -- a limit became known: slow start is over
  s.ss = 0
  s.rr = 0
  s.rl = 0
end
for _, d in ipairs(dims) do
  if cfg[d] > 0 then s[d .. 'c'] = cfg[d] end
  if hint[d] > 0 then
    local before = g(d .. 'h', 0)
    s[d .. 'h'] = hint[d]
    if before > 0 and hint[d] > before then s[d .. 'm'] = hint[d] end -- an announced increase
  end
  local c = cap(d)
  if c < math.huge then
    if g(d .. 'r', 0) <= 0 then
      s[d .. 'r'] = c
      s[d .. 'l'] = 0 -- requests already on the wire were not reserved
    end
    if g(d .. 'm', 0) <= 0 then s[d .. 'm'] = c / headroom end
    s[d .. 'r'] = math.min(s[d .. 'r'], c)
  end
end

if s.ss == nil and not any_cap and g('rr', 0) <= 0 and g('tr', 0) <= 0 then
  s.ss = 1
  s.rr = SS_START
  s.rl = SS_START * burst
end

-- settle what was charged, count what was delivered
local delivered_now = ok.r > 0
if delivered_now and g('rd', 0) < 1e-3 then s.ds = now end
for _, d in ipairs(dims) do
  if g(d .. 'r', 0) > 0 then
    s[d .. 'l'] = math.min(g(d .. 'l', 0) - settle[d], s[d .. 'r'] * burst)
  end
  s[d .. 'd'] = g(d .. 'd', 0) + ok[d]
  s[d .. 'n'] = g(d .. 'n', 0) + ok[d]
end
if cli_tok > 0 then
  local weight = 1 - math.exp(-cli_tok / RATIO_TOKENS)
  s.ratio = g('ratio', 1) + weight * (srv_tok / cli_tok - g('ratio', 1))
end
if rtt > 0 then s.rtt = g('rtt', rtt) * 0.8 + rtt * 0.2 end

-- growth: back to the remembered ceiling, then probe above it
if delivered_now and now - g('cut', -1e18) >= HOLD_S then
  local step = math.min(now - g('grow', now), 1.0)
  local quiet = math.min(now - g('cut', now - 60), 60)
  local hold = CONFIRM_HOLD_S * math.min(g('conf', 0), CONFIRM_MAX)
  for _, d in ipairs(dims) do
    local rate = g(d .. 'r', 0)
    if d == 'r' and g('ss', 0) == 1 then
      s.rr = rate + SS_GAIN * ok.r -- clocked by the answers, as TCP's slow start is by its acks
    elseif rate > 0 and delivered(d) >= USED * rate then
      local ceiling = g(d .. 'm', 0)
      if rate < ceiling * FAST_TARGET then -- towards the ceiling, stopping just under it
        rate = math.min(rate + (ceiling - rate) * (1 - math.exp(-step / FAST_TAU)), ceiling * FAST_TARGET)
      elseif quiet >= hold then
        rate = rate * (1 + math.min(PROBE * 2 ^ ((quiet - hold) / PROBE_DOUBLE_S), PROBE_MAX) * step)
      end
      s[d .. 'r'] = math.min(rate, cap(d))
    end
  end
end
if delivered_now or g('grow', nil) == nil then s.grow = now end

local wait = 0
if op == 'take' then
  local want = { r = tonumber(ARGV[A]), t = tonumber(ARGV[A + 1]) }
  for _, d in ipairs(dims) do
    local rate = g(d .. 'r', 0)
    if rate > 0 then
      s[d .. 'l'] = g(d .. 'l', 0) - want[d]
      if s[d .. 'l'] < 0 then wait = math.max(wait, -s[d .. 'l'] / rate) end
    end
  end
elseif op == 'reject' then
  local sent_at, which = tonumber(ARGV[A]), tonumber(ARGV[A + 1])
  local hit = { r = which % 2 == 1, t = which >= 2 }
  -- Answers to requests sent before the last cut, or within a round trip of it, are old news.
  local previous = g('cut', -1e18)
  local fresh = sent_at >= previous and now - previous >= math.max(g('rtt', 0), MIN_CUT_GAP_S)
  local pause = 0
  local leaving_slow_start = g('ss', 0) == 1
  if fresh then
    s.ss = 0
    if now - previous < PAUSE_RUN_S then s.storm = g('storm', 0) + 1 else s.storm = 0 end
    pause = math.min(PAUSE_S * 2 ^ s.storm, PAUSE_MAX_S)
    s.cut = now
  end
  for _, d in ipairs(dims) do
    if hit[d] then
      if g(d .. 'r', 0) > 0 then s[d .. 'l'] = math.min(g(d .. 'l', 0), 0) end
      if fresh then
        -- The server's bucket was empty at both cuts, so what it let through in between is its rate (a lower
        -- bound: less if its bucket overflowed while we idled). Without a previous cut: the delivered rate.
        local got = delivered(d)
        local span = now - previous
        local confirmed = false
        if span >= EST_MIN_S and span <= EST_MAX_S then
          local between = (g(d .. 'n', 0) - g(d .. 'n0', 0)) / span
          -- an idle stretch in between (the bucket overflowed) makes it too low to be believed
          if between >= 0.5 * g(d .. 'r', 0) then
            got = between
            local known = g(d .. 'm', 0)
            confirmed = known > 0 and math.abs(between / known - 1) <= CONFIRM_TOL
          end
        end
        if confirmed then s.conf = g('conf', 0) + 1 else s.conf = 0 end
        s[d .. 'n0'] = g(d .. 'n', 0)
        local rate = g(d .. 'r', 0)
        if rate > 0 and got <= 0 then
          -- Nothing delivered to measure by (a 429 before any answer: another client emptied the key): halve,
          -- keep what was remembered; the server's retry-after paces the retries meanwhile.
          s[d .. 'r'] = math.max(rate * DEEPEST, floor_rate(d))
          s[d .. 'l'] = -s[d .. 'r'] * pause
        elseif rate > 0 then
          local ceiling, new = got, math.min(rate * BETA, got * MARGIN)
          if leaving_slow_start then new = math.min(rate * 0.5, got * MARGIN) end
          if s.storm > 0 then -- within a storm our own pauses shrink the delivery: cut by at most so much
            ceiling = math.max(got, g(d .. 'm', 0) * MEMORY)
            new = math.max(rate * DEEPEST, math.min(rate * BETA, ceiling * MARGIN))
          end
          s[d .. 'm'] = ceiling
          s[d .. 'r'] = math.max(new, floor_rate(d))
          -- The queue of reservations taken before the cut is dropped: their holders see the cut in the next
          -- answer they get and queue again (Budget.retake), in their order, at the new rate, after the pause.
          s[d .. 'l'] = -s[d .. 'r'] * pause
        elseif got > 0 then
          s[d .. 'r'] = math.max(got * MARGIN, floor_rate(d))
          s[d .. 'm'] = got
          s[d .. 'l'] = -s[d .. 'r'] * pause
        end
      end
    end
  end
elseif op == 'breaker' then
  s.bopen = math.max(g('bopen', 0), now + tonumber(ARGV[A]))
elseif op == 'healthy' then -- an answer came: an open-until left by a process (or a run) before is stale
  s.bopen = 0
end

local out = {}
for k, v in pairs(s) do
  out[#out + 1] = k
  out[#out + 1] = string.format('%.17g', v)
end
redis.call('HSET', key, unpack(out))
redis.call('PEXPIRE', key, TTL_MS)

-- One space-separated string: cheaper to parse on the client than a list of bulk strings.
return string.format('%.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g', wait, now,
  g('rr', 0), g('tr', 0), g('rl', 0), g('tl', 0), g('ratio', 1), g('bopen', 0), g('rtt', 0), g('cut', -1),
  g('rq', 0), g('tq', 0))
