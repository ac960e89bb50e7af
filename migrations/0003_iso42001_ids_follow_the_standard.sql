-- ISO/IEC 42001 ids follow the standard's list letters (assessment file format 2). Every
-- assessment stored before this migration is of format 1: its answers and the history keys of
-- its answers are renamed to today's ids, and its profile says format 2. Old and new ids
-- overlap (format 1's 6.1.3.d is today's 6.1.3.f), so answers are renamed in two steps
-- through a `~` prefix that no id has, which keeps every key unique at every step. Saved runs
-- keep their results as written: a result of schema 1 is read by mapping its ids.
UPDATE answers SET requirement = CASE requirement
        WHEN '4.1.a' THEN '~4.1-1'
        WHEN '4.1.b' THEN '~4.1-2'
        WHEN '4.1.c' THEN '~4.1-3'
        WHEN '4.3.a' THEN '~4.3-1'
        WHEN '4.3.b' THEN '~4.3-2'
        WHEN '4.4.a' THEN '~4.4-1'
        WHEN '5.2.e' THEN '~5.2-1'
        WHEN '5.2.f' THEN '~5.2-2'
        WHEN '5.2.g' THEN '~5.2-3'
        WHEN '5.3.a' THEN '~5.3-1'
        WHEN '5.3.b' THEN '~5.3-2'
        WHEN '6.1.1.a' THEN '~6.1.1-1'
        WHEN '6.1.1.b' THEN '~6.1.1-2'
        WHEN '6.1.1.c' THEN '~6.1.1-3'
        WHEN '6.1.1.d' THEN '~6.1.1-4'
        WHEN '6.1.1.e' THEN '~6.1.1-5'
        WHEN '6.1.3.d' THEN '~6.1.3.f'
        WHEN '6.1.3.e' THEN '~6.1.3.g'
        WHEN '6.1.3.f' THEN '~6.1.3-1'
        WHEN '6.1.3.g' THEN '~6.1.3-2'
        WHEN '6.1.4.a' THEN '~6.1.4-1'
        WHEN '6.1.4.b' THEN '~6.1.4-2'
        WHEN '6.1.4.c' THEN '~6.1.4-3'
        WHEN '6.1.4.d' THEN '~6.1.4-4'
        WHEN '6.2.a' THEN '~6.2-1'
        WHEN '6.2.b' THEN '~6.2-2'
        WHEN '6.2.c' THEN '~6.2.g'
        WHEN '6.2.d' THEN '~6.2-3'
        WHEN '6.3.a' THEN '~6.3-1'
        WHEN '7.1.a' THEN '~7.1-1'
        WHEN '7.2.d' THEN '~7.2-1'
        WHEN '7.4.a' THEN '~7.4-1'
        WHEN '7.5.1.a' THEN '~7.5.1-1'
        WHEN '7.5.2.a' THEN '~7.5.2-1'
        WHEN '7.5.3.a' THEN '~7.5.3-1'
        WHEN '7.5.3.b' THEN '~7.5.3-2'
        WHEN '7.5.3.c' THEN '~7.5.3-3'
        WHEN '8.1.a' THEN '~8.1-1'
        WHEN '8.1.b' THEN '~8.1-2'
        WHEN '8.1.c' THEN '~8.1-3'
        WHEN '8.1.d' THEN '~8.1-4'
        WHEN '8.1.e' THEN '~8.1-5'
        WHEN '8.2.a' THEN '~8.2-1'
        WHEN '8.2.b' THEN '~8.2-2'
        WHEN '8.3.a' THEN '~8.3-1'
        WHEN '8.3.b' THEN '~8.3-2'
        WHEN '8.3.c' THEN '~8.3-3'
        WHEN '8.4.a' THEN '~8.4-1'
        WHEN '8.4.b' THEN '~8.4-2'
        WHEN '9.1.a' THEN '~9.1-1'
        WHEN '9.1.b' THEN '~9.1-2'
        WHEN '9.1.c' THEN '~9.1-3'
        WHEN '9.2.1.a' THEN '~9.2.1-1'
        WHEN '9.2.2.a' THEN '~9.2.2-1'
        WHEN '9.2.2.b' THEN '~9.2.2.a'
        WHEN '9.2.2.c' THEN '~9.2.2.b'
        WHEN '9.2.2.d' THEN '~9.2.2.c'
        WHEN '9.2.2.e' THEN '~9.2.2-2'
        WHEN '9.3.1.a' THEN '~9.3.1-1'
        WHEN '9.3.2.a' THEN '~9.3.2-1'
        WHEN '9.3.2.b' THEN '~9.3.2-2'
        WHEN '9.3.3.a' THEN '~9.3.3-1'
        WHEN '9.3.3.b' THEN '~9.3.3-2'
        WHEN '10.1.a' THEN '~10.1-1'
        WHEN '10.2.b' THEN '~10.2-1'
        WHEN '10.2.c' THEN '~10.2-2'
        WHEN '10.2.d' THEN '~10.2-3'
    END
WHERE requirement IN (
    '4.1.a', '4.1.b', '4.1.c', '4.3.a', '4.3.b', '4.4.a', '5.2.e', '5.2.f',
    '5.2.g', '5.3.a', '5.3.b', '6.1.1.a', '6.1.1.b', '6.1.1.c', '6.1.1.d', '6.1.1.e',
    '6.1.3.d', '6.1.3.e', '6.1.3.f', '6.1.3.g', '6.1.4.a', '6.1.4.b', '6.1.4.c', '6.1.4.d',
    '6.2.a', '6.2.b', '6.2.c', '6.2.d', '6.3.a', '7.1.a', '7.2.d', '7.4.a',
    '7.5.1.a', '7.5.2.a', '7.5.3.a', '7.5.3.b', '7.5.3.c', '8.1.a', '8.1.b', '8.1.c',
    '8.1.d', '8.1.e', '8.2.a', '8.2.b', '8.3.a', '8.3.b', '8.3.c', '8.4.a',
    '8.4.b', '9.1.a', '9.1.b', '9.1.c', '9.2.1.a', '9.2.2.a', '9.2.2.b', '9.2.2.c',
    '9.2.2.d', '9.2.2.e', '9.3.1.a', '9.3.2.a', '9.3.2.b', '9.3.3.a', '9.3.3.b', '10.1.a',
    '10.2.b', '10.2.c', '10.2.d'
) AND assessment_id IN (SELECT id FROM assessments WHERE profile LIKE '{"aimsgap":1,%');

UPDATE answers SET requirement = substr(requirement, 2) WHERE requirement LIKE '~%';

UPDATE history SET entity_key = CASE entity_key
        WHEN '4.1.a' THEN '4.1-1'
        WHEN '4.1.b' THEN '4.1-2'
        WHEN '4.1.c' THEN '4.1-3'
        WHEN '4.3.a' THEN '4.3-1'
        WHEN '4.3.b' THEN '4.3-2'
        WHEN '4.4.a' THEN '4.4-1'
        WHEN '5.2.e' THEN '5.2-1'
        WHEN '5.2.f' THEN '5.2-2'
        WHEN '5.2.g' THEN '5.2-3'
        WHEN '5.3.a' THEN '5.3-1'
        WHEN '5.3.b' THEN '5.3-2'
        WHEN '6.1.1.a' THEN '6.1.1-1'
        WHEN '6.1.1.b' THEN '6.1.1-2'
        WHEN '6.1.1.c' THEN '6.1.1-3'
        WHEN '6.1.1.d' THEN '6.1.1-4'
        WHEN '6.1.1.e' THEN '6.1.1-5'
        WHEN '6.1.3.d' THEN '6.1.3.f'
        WHEN '6.1.3.e' THEN '6.1.3.g'
        WHEN '6.1.3.f' THEN '6.1.3-1'
        WHEN '6.1.3.g' THEN '6.1.3-2'
        WHEN '6.1.4.a' THEN '6.1.4-1'
        WHEN '6.1.4.b' THEN '6.1.4-2'
        WHEN '6.1.4.c' THEN '6.1.4-3'
        WHEN '6.1.4.d' THEN '6.1.4-4'
        WHEN '6.2.a' THEN '6.2-1'
        WHEN '6.2.b' THEN '6.2-2'
        WHEN '6.2.c' THEN '6.2.g'
        WHEN '6.2.d' THEN '6.2-3'
        WHEN '6.3.a' THEN '6.3-1'
        WHEN '7.1.a' THEN '7.1-1'
        WHEN '7.2.d' THEN '7.2-1'
        WHEN '7.4.a' THEN '7.4-1'
        WHEN '7.5.1.a' THEN '7.5.1-1'
        WHEN '7.5.2.a' THEN '7.5.2-1'
        WHEN '7.5.3.a' THEN '7.5.3-1'
        WHEN '7.5.3.b' THEN '7.5.3-2'
        WHEN '7.5.3.c' THEN '7.5.3-3'
        WHEN '8.1.a' THEN '8.1-1'
        WHEN '8.1.b' THEN '8.1-2'
        WHEN '8.1.c' THEN '8.1-3'
        WHEN '8.1.d' THEN '8.1-4'
        WHEN '8.1.e' THEN '8.1-5'
        WHEN '8.2.a' THEN '8.2-1'
        WHEN '8.2.b' THEN '8.2-2'
        WHEN '8.3.a' THEN '8.3-1'
        WHEN '8.3.b' THEN '8.3-2'
        WHEN '8.3.c' THEN '8.3-3'
        WHEN '8.4.a' THEN '8.4-1'
        WHEN '8.4.b' THEN '8.4-2'
        WHEN '9.1.a' THEN '9.1-1'
        WHEN '9.1.b' THEN '9.1-2'
        WHEN '9.1.c' THEN '9.1-3'
        WHEN '9.2.1.a' THEN '9.2.1-1'
        WHEN '9.2.2.a' THEN '9.2.2-1'
        WHEN '9.2.2.b' THEN '9.2.2.a'
        WHEN '9.2.2.c' THEN '9.2.2.b'
        WHEN '9.2.2.d' THEN '9.2.2.c'
        WHEN '9.2.2.e' THEN '9.2.2-2'
        WHEN '9.3.1.a' THEN '9.3.1-1'
        WHEN '9.3.2.a' THEN '9.3.2-1'
        WHEN '9.3.2.b' THEN '9.3.2-2'
        WHEN '9.3.3.a' THEN '9.3.3-1'
        WHEN '9.3.3.b' THEN '9.3.3-2'
        WHEN '10.1.a' THEN '10.1-1'
        WHEN '10.2.b' THEN '10.2-1'
        WHEN '10.2.c' THEN '10.2-2'
        WHEN '10.2.d' THEN '10.2-3'
    END
WHERE entity = 'answer' AND entity_key IN (
    '4.1.a', '4.1.b', '4.1.c', '4.3.a', '4.3.b', '4.4.a', '5.2.e', '5.2.f',
    '5.2.g', '5.3.a', '5.3.b', '6.1.1.a', '6.1.1.b', '6.1.1.c', '6.1.1.d', '6.1.1.e',
    '6.1.3.d', '6.1.3.e', '6.1.3.f', '6.1.3.g', '6.1.4.a', '6.1.4.b', '6.1.4.c', '6.1.4.d',
    '6.2.a', '6.2.b', '6.2.c', '6.2.d', '6.3.a', '7.1.a', '7.2.d', '7.4.a',
    '7.5.1.a', '7.5.2.a', '7.5.3.a', '7.5.3.b', '7.5.3.c', '8.1.a', '8.1.b', '8.1.c',
    '8.1.d', '8.1.e', '8.2.a', '8.2.b', '8.3.a', '8.3.b', '8.3.c', '8.4.a',
    '8.4.b', '9.1.a', '9.1.b', '9.1.c', '9.2.1.a', '9.2.2.a', '9.2.2.b', '9.2.2.c',
    '9.2.2.d', '9.2.2.e', '9.3.1.a', '9.3.2.a', '9.3.2.b', '9.3.3.a', '9.3.3.b', '10.1.a',
    '10.2.b', '10.2.c', '10.2.d'
) AND assessment_id IN (SELECT id FROM assessments WHERE profile LIKE '{"aimsgap":1,%');

UPDATE assessments SET profile = '{"aimsgap":2,' || substr(profile, 14)
WHERE profile LIKE '{"aimsgap":1,%';
