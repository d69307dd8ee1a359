-- Shared duration constants.
return {
  FAST = '30s',
  SLOW = '1h30m',
  HOUR = '1h',
  WEEK = '1 week',
  BROKEN = '1:30:00', -- expect[invalid-duration]
}
