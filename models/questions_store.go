package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// Questions returns an event's custom questions in form order (cached: see cache.go).
func (s *Store) Questions(ctx context.Context, eventID int64) ([]Question, error) {
	return s.cachedQuestions(ctx, eventID)
}

func (s *Store) loadQuestions(ctx context.Context, eventID int64) ([]Question, error) {
	var qs []Question
	if err := s.ctx(ctx).Where("event_id = ?", eventID).Order("position, id").Find(&qs).Error; err != nil {
		return nil, fmt.Errorf("models: questions: %w", err)
	}
	return qs, nil
}

// QuestionByID returns one question of an event, or ErrNotFound.
func (s *Store) QuestionByID(ctx context.Context, eventID, id int64) (Question, error) {
	var q Question
	err := s.ctx(ctx).Where("event_id = ? AND id = ?", eventID, id).Take(&q).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return q, ErrNotFound
	}
	if err != nil {
		return q, fmt.Errorf("models: question: %w", err)
	}
	return q, nil
}

// AddQuestion puts a new question at the end of an event's form.
func (s *Store) AddQuestion(ctx context.Context, actorID int64, ev Event, q Question) (Question, error) {
	q.EventID = ev.ID
	err := s.changeEvent(ctx, ev.ID, func(tx *gorm.DB) error {
		// one writer at a time per event, so positions and the count stay right
		if err := tx.Exec("SELECT 1 FROM events WHERE id = ? FOR UPDATE", ev.ID).Error; err != nil {
			return fmt.Errorf("models: lock event: %w", err)
		}
		var n struct{ Count, Last int }
		if err := tx.Raw(`SELECT count(*) AS count, coalesce(max(position), 0) AS last FROM questions WHERE event_id = ?`,
			ev.ID).Scan(&n).Error; err != nil {
			return fmt.Errorf("models: count questions: %w", err)
		}
		if n.Count >= MaxQuestions {
			return &ValidationError{Fields: map[string]string{"key": fmt.Sprintf("An event has at most %d questions.", MaxQuestions)}}
		}
		q.Position = n.Last + 1
		err := tx.Omit("ID", "CreatedAt").Create(&q).Error
		if isDuplicate(err) {
			return &ValidationError{Fields: map[string]string{"key": "This event already has a question with this key."}}
		}
		if err != nil {
			return fmt.Errorf("models: add question: %w", err)
		}
		return audit(tx, actorID, "question.add", ev.ID, q.Key, nil)
	})
	return q, err
}

// UpdateQuestion saves a question's label, options, required flag and translations.
func (s *Store) UpdateQuestion(ctx context.Context, actorID int64, q Question) error {
	return s.changeEvent(ctx, q.EventID, func(tx *gorm.DB) error {
		err := tx.Model(&q).Select("Label", "Options", "Translations", "Required").Updates(&q).Error
		if err != nil {
			return fmt.Errorf("models: update question: %w", err)
		}
		return audit(tx, actorID, "question.update", q.EventID, q.Key, nil)
	})
}

// MoveQuestion moves a question one place up (delta -1) or down (+1) on the form.
func (s *Store) MoveQuestion(ctx context.Context, actorID int64, q Question, delta int) error {
	return s.changeEvent(ctx, q.EventID, func(tx *gorm.DB) error {
		var qs []Question
		if err := tx.Where("event_id = ?", q.EventID).Order("position, id").Find(&qs).Error; err != nil {
			return fmt.Errorf("models: questions: %w", err)
		}
		i := -1
		for k := range qs {
			if qs[k].ID == q.ID {
				i = k
			}
		}
		j := i + delta
		if i < 0 || j < 0 || j >= len(qs) {
			return nil
		}
		qs[i], qs[j] = qs[j], qs[i]
		for k, x := range qs {
			if err := tx.Model(&Question{}).Where("id = ?", x.ID).Update("position", k+1).Error; err != nil {
				return fmt.Errorf("models: move question: %w", err)
			}
		}
		return audit(tx, actorID, "question.move", q.EventID, q.Key, map[string]any{"delta": delta})
	})
}

// CountAnswers is how many leads of the event answered a question.
func (s *Store) CountAnswers(ctx context.Context, q Question) (int64, error) {
	var n int64
	err := s.ctx(ctx).Raw(`SELECT count(*) FROM leads WHERE event_id = ? AND jsonb_exists(answers, ?)`, q.EventID, q.Key).
		Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("models: count answers: %w", err)
	}
	return n, nil
}

// DeleteQuestion removes a question from its event's form, and its answers from every lead (and
// from what visits typed): nothing is kept that nobody can see any more.
func (s *Store) DeleteQuestion(ctx context.Context, actorID int64, q Question) error {
	return s.changeEvent(ctx, q.EventID, func(tx *gorm.DB) error {
		if err := tx.Exec(`DELETE FROM questions WHERE id = ?`, q.ID).Error; err != nil {
			return fmt.Errorf("models: delete question: %w", err)
		}
		if err := tx.Exec(`UPDATE leads SET answers = answers - ?::text WHERE event_id = ? AND jsonb_exists(answers, ?)`,
			q.Key, q.EventID, q.Key).Error; err != nil {
			return fmt.Errorf("models: delete answers: %w", err)
		}
		if err := tx.Exec(`UPDATE visits SET typed = jsonb_set(typed, '{answers}', (typed -> 'answers') - ?::text)
			WHERE event_id = ? AND jsonb_exists(typed -> 'answers', ?)`, q.Key, q.EventID, q.Key).Error; err != nil {
			return fmt.Errorf("models: delete typed answers: %w", err)
		}
		return audit(tx, actorID, "question.delete", q.EventID, q.Key, nil)
	})
}
