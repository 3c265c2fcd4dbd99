-- Notifications follow the ledger from the moment they exist: what was recorded before
-- (history, an upgraded installation's past) is not told again.
INSERT INTO notification_cursor (id, seq)
SELECT 1, coalesce((SELECT max(seq) FROM ledger_entries), -1)
ON CONFLICT (id) DO NOTHING;
