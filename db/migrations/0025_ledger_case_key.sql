-- The column holds the case KEY (CASE-2026-0042), read from `caseKey` (entry version 2) or `caseId`
-- (version 1). Renaming keeps the values and the index, which follows the column.
ALTER TABLE "ledger_entries" RENAME COLUMN "case_id" TO "case_key";
