package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// StartKiosk records that a staff member turned a browser into an event's self check-in kiosk:
// the browser's staff session (deviceID, 0 for none) ends, and the audit log says who did it.
func (s *Store) StartKiosk(ctx context.Context, staffID, deviceID, eventID int64) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if deviceID != 0 {
			if _, err := endDevices(tx, "id = ?", deviceID); err != nil {
				return err
			}
		}
		return audit(tx, staffID, "kiosk.start", eventID, fmt.Sprint(deviceID), nil)
	})
}
