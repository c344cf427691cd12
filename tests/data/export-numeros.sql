-- Applied by tests/unit/test_export.c after indicators-scenario.sql: the office's filings
-- renamed to numbers of other document systems, and contract numbers Excel would misread.
-- Sheet rows follow the filing date: F1 F2 F3 F4 F11 F7 F8 F9 F5 F6 (rows 2 to 11).
UPDATE radicado SET numero = '1-2021-23677' WHERE id = 1;    -- Secretaría Jurídica Distrital
UPDATE radicado SET numero = '2021EE7835' WHERE id = 2;      -- Servicio Civil
UPDATE radicado SET numero = '3-2024-17052' WHERE id = 3;
UPDATE radicado SET numero = '2024ER7835' WHERE id = 4;
UPDATE radicado SET numero = '20201300124633' WHERE id = 11; -- Orfeo: 2,02013E+13 as a number
UPDATE radicado SET numero = '2021E7835' WHERE id = 7;       -- scientific notation to Excel
UPDATE radicado SET numero = '1-2-2021' WHERE id = 8;        -- a date to Excel
-- F5 keeps 20243420000051; F6 is known only by its area's code.
UPDATE radicado SET dependencia_origen_nombre = '', dependencia_origen = '0800' WHERE id = 6;
UPDATE seguimiento SET numero_contrato = '1-2021' WHERE radicado_id = 1;     -- ene-21
UPDATE seguimiento SET numero_contrato = '2021E78' WHERE radicado_id = 2;    -- 2,021E+81
UPDATE seguimiento SET numero_contrato = 'CD "2024" 07' WHERE radicado_id = 3;
UPDATE seguimiento SET numero_contrato = '=1+1' WHERE radicado_id = 4;       -- a formula
UPDATE seguimiento SET numero_contrato = 'CD-045' || char(10) || '2024' WHERE radicado_id = 11;
UPDATE seguimiento SET numero_contrato = '12:30' WHERE radicado_id = 7;      -- a time
UPDATE seguimiento SET numero_contrato = '=HIPERVINCULO("x")' || char(10) || 'y'
 WHERE radicado_id = 8;                               -- no formula holds it: text, defused
