-- modes: FULL NO_LOG
--
-- types: every column type MariaDB can put in a row event, with edge
-- values and a NULL row in every table. Each table has a short comment
-- saying what it covers. Some rows are updated and deleted at the end so
-- that edge values also appear in before-images.
SET time_zone = '+00:00';
SET sql_mode = '';
SET TIMESTAMP = 1700000000;
SET NAMES utf8mb4;

CREATE DATABASE types;
USE types;

-- Integers: signed and unsigned extremes of every width.
CREATE TABLE ints (
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED,
  si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED,
  bi BIGINT, biu BIGINT UNSIGNED
) ENGINE=InnoDB;
INSERT INTO ints VALUES
  (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0),
  (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615),
  (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  (4, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1),
  (5, 100, 128, -300, 32768, -70000, 8388608, 123456789, 2147483648, -1234567890123, 9223372036854775808),
  (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- Floating point: FLOAT (4 bytes) and DOUBLE (8 bytes).
CREATE TABLE floats (
  id INT PRIMARY KEY,
  f FLOAT,
  d DOUBLE
) ENGINE=InnoDB;
INSERT INTO floats VALUES
  (1, 0, 0),
  (2, -0e0, -0e0),
  (3, 0.1, 0.1),
  (4, 3.40282e38, 1.7976931348623157e308),
  (5, -3.40282e38, -1.7976931348623157e308),
  (6, 1.17549435e-38, 2.2250738585072014e-308),
  (7, 1e-45, 5e-324),
  (8, 123456.789, 123456789.123456789),
  (9, -1.5, -2.5e-10),
  (10, NULL, NULL);

-- Fixed point: DECIMAL of several precisions, extremes and negatives.
CREATE TABLE decimals (
  id INT PRIMARY KEY,
  d65 DECIMAL(65,30),
  d10 DECIMAL(10,0),
  d52 DECIMAL(5,2),
  d11 DECIMAL(1,1),
  d189 DECIMAL(18,9),
  du DECIMAL(20,10) UNSIGNED
) ENGINE=InnoDB;
INSERT INTO decimals VALUES
  (1, 99999999999999999999999999999999999.999999999999999999999999999999, 9999999999, 999.99, 0.9, 999999999.999999999, 9999999999.9999999999),
  (2, -99999999999999999999999999999999999.999999999999999999999999999999, -9999999999, -999.99, -0.9, -999999999.999999999, 0),
  (3, 0, 0, 0, 0, 0, 0),
  (4, -0.000000000000000000000000000001, -1, -0.01, -0.1, -0.000000001, 0.0000000001),
  (5, 12345678901234567890.123456789012345678901234567890, 1234567890, 123.45, 0.5, 123456789.123456789, 1.5),
  (6, 1.5, 10, 1.5, 0.1, 1, 100),
  (7, NULL, NULL, NULL, NULL, NULL, NULL);

-- BIT of several widths.
CREATE TABLE bits (
  id INT PRIMARY KEY,
  b1 BIT(1),
  b8 BIT(8),
  b17 BIT(17),
  b64 BIT(64)
) ENGINE=InnoDB;
INSERT INTO bits VALUES
  (1, b'0', b'0', b'0', b'0'),
  (2, b'1', b'11111111', b'11111111111111111', b'1111111111111111111111111111111111111111111111111111111111111111'),
  (3, 1, 170, 65537, 1311768467463790320),
  (4, NULL, NULL, NULL, NULL);

-- Temporal types: zero values, extremes, every fraction width.
CREATE TABLE temporal (
  id INT PRIMARY KEY,
  y YEAR,
  d DATE,
  dt0 DATETIME, dt1 DATETIME(1), dt2 DATETIME(2), dt3 DATETIME(3),
  dt4 DATETIME(4), dt5 DATETIME(5), dt6 DATETIME(6),
  ts0 TIMESTAMP NULL DEFAULT NULL,
  ts3 TIMESTAMP(3) NULL DEFAULT NULL,
  ts6 TIMESTAMP(6) NULL DEFAULT NULL,
  t0 TIME, t3 TIME(3), t6 TIME(6)
) ENGINE=InnoDB;
INSERT INTO temporal VALUES
  (1, 0, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
   '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
   '00:00:00', '00:00:00', '00:00:00'),
  (2, 2155, '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.9', '9999-12-31 23:59:59.99', '9999-12-31 23:59:59.999',
   '9999-12-31 23:59:59.9999', '9999-12-31 23:59:59.99999', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '2038-01-19 03:14:07.999', '2038-01-19 03:14:07.999999',
   '838:59:59', '838:59:59.000', '838:59:59.000000'),
  (3, 1901, '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.1', '1000-01-01 00:00:00.01', '1000-01-01 00:00:00.001',
   '1000-01-01 00:00:00.0001', '1000-01-01 00:00:00.00001', '1000-01-01 00:00:00.000001', '1970-01-01 00:00:01', '1970-01-01 00:00:01.001', '1970-01-01 00:00:01.000001',
   '-838:59:59', '-838:59:59.000', '-838:59:59.000000'),
  (4, 2024, '2024-02-29', '2024-02-29 12:34:56', '2024-02-29 12:34:56.1', '2024-02-29 12:34:56.12', '2024-02-29 12:34:56.123',
   '2024-02-29 12:34:56.1234', '2024-02-29 12:34:56.12345', '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56', '2024-02-29 12:34:56.123', '2024-02-29 12:34:56.123456',
   '-00:00:01', '-00:00:01.500', '-00:00:01.500000'),
  (5, 1999, '2024-00-00', '2024-01-00 00:00:00', '1999-12-31 23:59:59.5', '2000-01-01 00:00:00.05', '2000-01-01 00:00:00.005',
   '2000-01-01 00:00:00.0005', '2000-01-01 00:00:00.00005', '2000-01-01 00:00:00.000005', '2001-09-09 01:46:40', '2001-09-09 01:46:40.5', '2001-09-09 01:46:40.000001',
   '12:34:56', '-12:34:56.789', '-00:00:00.000001'),
  (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- Character strings in several character sets; CHAR(255) in utf8mb4 is
-- longer than 255 bytes, VARCHAR(300) in latin1 needs a 2-byte length.
CREATE TABLE strings (
  id INT PRIMARY KEY,
  c10 CHAR(10),
  c255 CHAR(255),
  v100 VARCHAR(100),
  vbin VARCHAR(20) COLLATE utf8mb4_bin,
  v3 VARCHAR(50) CHARACTER SET utf8mb3,
  cl CHAR(5) CHARACTER SET latin1,
  vl VARCHAR(50) CHARACTER SET latin1,
  vl300 VARCHAR(300) CHARACTER SET latin1,
  vgbk VARCHAR(20) CHARACTER SET gbk,
  vascii VARCHAR(20) CHARACTER SET ascii,
  tt TINYTEXT,
  t TEXT,
  mt MEDIUMTEXT,
  lt LONGTEXT CHARACTER SET latin1
) ENGINE=InnoDB;
INSERT INTO strings VALUES
  (1, 'abc', 'abc', 'abc', 'abc', 'abc', 'abc', 'abc', 'abc', 'abc', 'abc', 'abc', 'abc', 'abc', 'abc'),
  (2, '😀中文', '😀😀😀', 'emoji 😀 CJK 中文字 ñ', 'Ünïcödé', 'ñ 中', 'é', 'éÿ€ Ä', 'ÿ€é', '中文', 'plain', '😀', '日本語テキスト', 'ä€😀', '€ÿé'),
  (3, '', '', '', '', '', '', '', '', '', '', '', '', '', ''),
  (4, 'pad  ', 'pad  ', 'trail  ', 'trail ', ' lead', 'x  ', 'y  ', 'z  ', '文 ', 'a ', ' ', '  ', 'two  ', 'l  '),
  (5, 'q''"\\', 'semi;colon', 'it''s "quoted" \\ back\\slash', 'tab\there', 'new\nline', ';', '\\', 'a\0b', '\\', '\'', 'nul\0', 'cr\rlf\n', 'x\0y', '\\\\'),
  (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO strings (id, c255, vl300, t, mt, lt) VALUES
  (7, REPEAT('中', 255), REPEAT('é', 300), REPEAT('text ', 1000), REPEAT('😀', 1000), REPEAT('L', 70000));

-- Binary strings: BINARY pads with zero bytes, which row events drop.
CREATE TABLE binaries (
  id INT PRIMARY KEY,
  b8 BINARY(8),
  b1 BINARY(1),
  vb VARBINARY(64),
  vb300 VARBINARY(300),
  tb TINYBLOB,
  bl BLOB,
  mb MEDIUMBLOB,
  lb LONGBLOB
) ENGINE=InnoDB;
INSERT INTO binaries VALUES
  (1, CONCAT('a', x'0000'), x'00', x'00', x'00', x'00', x'00', x'00', x'00'),
  (2, x'0000', x'ff', x'0000ff00', x'ff', x'', x'', x'', x''),
  (3, x'ffffffffffffffff', 'z', 'quote''s "dq" \\ bs', REPEAT(x'ab', 300), 'tiny\0blob', 'blob with \\ and '' and \0', REPEAT(x'00ff', 300), REPEAT(x'01020300', 17000)),
  (4, x'0102030400000000', '', '', '', '', '', '', ''),
  (5, 'abcdefgh', x'41', x'e282ac', x'c3', x'80', x'ffd8ffe0', x'00', x'000000'),
  (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- ENUM and SET: 1-byte and 2-byte ENUM, 1-byte and 8-byte SET.
CREATE TABLE enums_sets (
  id INT PRIMARY KEY,
  e ENUM('a','b','c'),
  e300 ENUM('e1','e2','e3','e4','e5','e6','e7','e8','e9','e10','e11','e12','e13','e14','e15','e16','e17','e18','e19','e20','e21','e22','e23','e24','e25','e26','e27','e28','e29','e30','e31','e32','e33','e34','e35','e36','e37','e38','e39','e40','e41','e42','e43','e44','e45','e46','e47','e48','e49','e50','e51','e52','e53','e54','e55','e56','e57','e58','e59','e60','e61','e62','e63','e64','e65','e66','e67','e68','e69','e70','e71','e72','e73','e74','e75','e76','e77','e78','e79','e80','e81','e82','e83','e84','e85','e86','e87','e88','e89','e90','e91','e92','e93','e94','e95','e96','e97','e98','e99','e100','e101','e102','e103','e104','e105','e106','e107','e108','e109','e110','e111','e112','e113','e114','e115','e116','e117','e118','e119','e120','e121','e122','e123','e124','e125','e126','e127','e128','e129','e130','e131','e132','e133','e134','e135','e136','e137','e138','e139','e140','e141','e142','e143','e144','e145','e146','e147','e148','e149','e150','e151','e152','e153','e154','e155','e156','e157','e158','e159','e160','e161','e162','e163','e164','e165','e166','e167','e168','e169','e170','e171','e172','e173','e174','e175','e176','e177','e178','e179','e180','e181','e182','e183','e184','e185','e186','e187','e188','e189','e190','e191','e192','e193','e194','e195','e196','e197','e198','e199','e200','e201','e202','e203','e204','e205','e206','e207','e208','e209','e210','e211','e212','e213','e214','e215','e216','e217','e218','e219','e220','e221','e222','e223','e224','e225','e226','e227','e228','e229','e230','e231','e232','e233','e234','e235','e236','e237','e238','e239','e240','e241','e242','e243','e244','e245','e246','e247','e248','e249','e250','e251','e252','e253','e254','e255','e256','e257','e258','e259','e260','e261','e262','e263','e264','e265','e266','e267','e268','e269','e270','e271','e272','e273','e274','e275','e276','e277','e278','e279','e280','e281','e282','e283','e284','e285','e286','e287','e288','e289','e290','e291','e292','e293','e294','e295','e296','e297','e298','e299','e300'),
  s SET('x','y','z'),
  s64 SET('s1','s2','s3','s4','s5','s6','s7','s8','s9','s10','s11','s12','s13','s14','s15','s16','s17','s18','s19','s20','s21','s22','s23','s24','s25','s26','s27','s28','s29','s30','s31','s32','s33','s34','s35','s36','s37','s38','s39','s40','s41','s42','s43','s44','s45','s46','s47','s48','s49','s50','s51','s52','s53','s54','s55','s56','s57','s58','s59','s60','s61','s62','s63','s64')
) ENGINE=InnoDB;
INSERT INTO enums_sets VALUES
  (1, 'a', 'e1', '', ''),
  (2, 'c', 'e300', 'x,y,z', 's1,s2,s3,s4,s5,s6,s7,s8,s9,s10,s11,s12,s13,s14,s15,s16,s17,s18,s19,s20,s21,s22,s23,s24,s25,s26,s27,s28,s29,s30,s31,s32,s33,s34,s35,s36,s37,s38,s39,s40,s41,s42,s43,s44,s45,s46,s47,s48,s49,s50,s51,s52,s53,s54,s55,s56,s57,s58,s59,s60,s61,s62,s63,s64'),
  (3, 'b', 'e256', 'y', 's64'),
  (4, '', 'e255', 'x,z', 's1,s33,s64'),
  (5, NULL, NULL, NULL, NULL);

-- JSON (a LONGTEXT with a check in MariaDB; logged as text).
CREATE TABLE json_t (
  id INT PRIMARY KEY,
  j JSON
) ENGINE=InnoDB;
INSERT INTO json_t VALUES
  (1, '{"a": 1, "b": [true, false, null], "c": {"d": "e", "f": [1.5, -2, 1e300]}}'),
  (2, '[]'),
  (3, '{}'),
  (4, '"unicode: \\u00e9 é 😀 中文"'),
  (5, '[18446744073709551615, -9223372036854775808, 0.1, 3.14159265358979]'),
  (6, 'null'),
  (7, '{"esc": "quote \\" backslash \\\\ newline \\n tab \\t"}'),
  (8, NULL);

-- Spatial types.
CREATE TABLE geo (
  id INT PRIMARY KEY,
  g GEOMETRY,
  p POINT,
  ls LINESTRING,
  poly POLYGON,
  gc GEOMETRYCOLLECTION
) ENGINE=InnoDB;
INSERT INTO geo VALUES
  (1, ST_GeomFromText('POINT(1 2)'), ST_GeomFromText('POINT(-1.5 2.25)'), ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0)'),
   ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))'),
   ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(0 0, 1 1))')),
  (2, ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))', 4326), ST_GeomFromText('POINT(0 0)', 4326), NULL, NULL, NULL),
  (3, NULL, NULL, NULL, NULL, NULL);

-- MariaDB's own types, logged as fixed-size binary.
CREATE TABLE mariadb_types (
  id INT PRIMARY KEY,
  ip6 INET6,
  ip4 INET4,
  u UUID
) ENGINE=InnoDB;
INSERT INTO mariadb_types VALUES
  (1, '::1', '0.0.0.0', '00000000-0000-0000-0000-000000000000'),
  (2, '2001:db8::ff00:42:8329', '192.0.2.1', '6ccd780c-baba-1026-9564-5b8c656024db'),
  (3, '::ffff:192.0.2.1', '255.255.255.255', '123e4567-e89b-42d3-a456-556642440000'),
  (4, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '10.0.0.1', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
  (5, NULL, NULL, NULL);

-- Keys: no primary key (with duplicate rows), only nullable unique keys
-- (a NOT NULL one would become InnoDB's primary key), and a
-- composite primary key whose order differs from the column order.
CREATE TABLE nopk (
  a INT,
  b VARCHAR(10)
) ENGINE=InnoDB;
INSERT INTO nopk VALUES (1, 'dup'), (1, 'dup'), (2, NULL), (NULL, NULL);

CREATE TABLE uniq_only (
  u VARCHAR(20) NULL,
  n INT NULL,
  v INT,
  UNIQUE KEY (u),
  UNIQUE KEY (n)
) ENGINE=InnoDB;
INSERT INTO uniq_only VALUES ('one', 1, 10), ('two', NULL, 20), ('three', NULL, NULL);

CREATE TABLE composite (
  a INT NOT NULL,
  b VARCHAR(10) NOT NULL,
  c DATETIME(3),
  PRIMARY KEY (b, a)
) ENGINE=InnoDB;
INSERT INTO composite VALUES (1, 'x', '2020-01-01 00:00:00.5'), (2, 'x', NULL), (1, 'y', '2020-01-02 00:00:00');

-- Edge values in before-images: updates and deletes.
SET TIMESTAMP = 1700000100;
UPDATE ints SET ti = 127, biu = 18446744073709551615, bi = -9223372036854775808 WHERE id = 3;
UPDATE floats SET f = -f, d = -d WHERE id IN (3, 4);
UPDATE decimals SET d65 = -d65 WHERE id = 5;
UPDATE bits SET b64 = b'1' WHERE id = 2;
UPDATE temporal SET ts6 = '2038-01-19 03:14:07.999999', t6 = '-00:00:01.5' WHERE id = 1;
UPDATE strings SET v100 = CONCAT(v100, ' 😀') WHERE id IN (1, 2);
UPDATE binaries SET b8 = x'00' WHERE id = 1;
UPDATE enums_sets SET s = 'x,y,z', e = 'b' WHERE id = 1;
UPDATE json_t SET j = JSON_SET(j, '$.a', 2) WHERE id = 1;
UPDATE mariadb_types SET u = '6ccd780c-baba-1026-9564-5b8c656024dc' WHERE id = 2;
UPDATE nopk SET b = 'changed' WHERE a = 1;
UPDATE composite SET a = 3 WHERE a = 2 AND b = 'x';
SET TIMESTAMP = 1700000200;
DELETE FROM ints WHERE id = 2;
DELETE FROM temporal WHERE id = 2;
DELETE FROM strings WHERE id = 3;
DELETE FROM binaries WHERE id = 4;
DELETE FROM geo WHERE id = 1;
DELETE FROM nopk WHERE a IS NULL;
DELETE FROM uniq_only WHERE u = 'two';
