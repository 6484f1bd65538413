package models

// A dry run of an import that changes people of a team with a minimum on
// duty counts those teams' coverage after the file from its plan, without
// writing it: applying the whole file to count and rolling it back took
// 15.7 s of 100,000 rows, most of it writing users' rows and their indexes,
// history and schedule states, none of which the count reads. The count
// reads only who is an active employee of which team and their own
// schedules, and the plan holds both as an apply would leave them.

// importAfterPeopleSQL is coverageKeySQL's people as the planned import
// (import_plan) would leave them, for the teams with a minimum (a
// scopeGuard's count of everyone, guardedOnly): the people the file does
// not name, as they are; the file's people with the team, role and active
// flag it gives them (a new one under a stand-in id, minus the row, as
// counting needs no real one); and each person's own schedules with the
// file's rows in (importScheduleSQL's: inherit false, replacing one of the
// same date). $1..$2 is the range; coverageGroupsSelect(false) follows.
const importAfterPeopleSQL = `
WITH guarded AS MATERIALIZED (SELECT id FROM teams WHERE min_on_duty > 0),
plan AS MATERIALIZED (
    SELECT COALESCE(p.user_id, -p.row) AS id, p.team_id, COALESCE(p.is_active, p.old_active, true) AS is_active,
           COALESCE(p.role, p.old_role, 'employee') AS role, p.schedule_change, p.rules, p.effective_from
      FROM import_plan p
), members AS MATERIALIZED (
    SELECT u.id, u.team_id FROM users u
     WHERE u.is_active AND u.role = 'employee' AND u.team_id IN (SELECT id FROM guarded)
       AND NOT EXISTS (SELECT 1 FROM import_plan p WHERE p.user_id = u.id)
    UNION ALL
    SELECT id, team_id FROM plan WHERE is_active AND role = 'employee' AND team_id IN (SELECT id FROM guarded)
), own AS MATERIALIZED (
    SELECT s.user_id, s.effective_from, s.rules, s.inherit
      FROM schedules s JOIN members m ON m.id = s.user_id
     WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.schedule_change AND p.id = s.user_id AND p.effective_from = s.effective_from)
    UNION ALL
    SELECT p.id, p.effective_from, p.rules, false FROM plan p JOIN members m ON m.id = p.id WHERE p.schedule_change
), people AS (
    SELECT m.id, m.team_id, b.rules, b.inherit,
           CASE WHEN b.rules @> '[{"weeks": "alternate"}]' THEN b.effective_from END AS anchor, l.changes
      FROM members m
      LEFT JOIN (SELECT DISTINCT ON (user_id) user_id, effective_from, rules, inherit FROM own
                  WHERE effective_from <= $1::date ORDER BY user_id, effective_from DESC) b ON b.user_id = m.id
      LEFT JOIN (SELECT s.user_id, ` + changesAgg + ` AS changes FROM own s
                  WHERE s.effective_from > $1::date AND s.effective_from <= $2::date GROUP BY s.user_id) l ON l.user_id = m.id
)
`
