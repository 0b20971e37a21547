package models

import (
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// uuidArray is a list of ids as a native uuid[] parameter: pgx sends it in binary, 16 bytes an
// id, where a StringList is written out as text for Postgres to parse back (a struct, so gorm
// passes it as one value instead of expanding it into a list). Ids that are not UUIDs are left
// out: no row has them.
func uuidArray(ids []string, buf []pgtype.UUID) pgtype.Array[pgtype.UUID] {
	buf = buf[:0]
	for _, id := range ids {
		if u, err := uuid.Parse(id); err == nil {
			buf = append(buf, pgtype.UUID{Bytes: u, Valid: true})
		}
	}
	return pgtype.Array[pgtype.UUID]{Elements: buf, Dims: []pgtype.ArrayDimension{{Length: int32(len(buf)), LowerBound: 1}},
		Valid: true}
}
