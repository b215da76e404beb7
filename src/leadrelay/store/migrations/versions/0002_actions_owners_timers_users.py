"""Actions (the outbox), assignments, queue state, CRM records, timers, touches, lead state; users,
labels and outcomes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 11:38:05.760524
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the tables of actions, owners, timers and the web app."""
    op.create_table('queue_state',
    sa.Column('queue', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('queue')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('crm_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('system', sa.String(length=32), nullable=False),
    sa.Column('object', sa.String(length=32), nullable=False),
    sa.Column('match_key', sa.String(length=320), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('system', 'object', 'match_key', name='uq_crm_records_key')
    )
    with op.batch_alter_table('crm_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_records_lead_id'), ['lead_id'], unique=False)

    op.create_table('lead_state',
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('assignee', sa.String(length=320), nullable=True),
    sa.Column('queue', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=True),
    sa.Column('high_intent', sa.Boolean(), nullable=False),
    sa.Column('first_event_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_touch_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ),
    sa.PrimaryKeyConstraint('lead_id')
    )
    with op.batch_alter_table('lead_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_state_assignee'), ['assignee'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_state_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_state_status'), ['status'], unique=False)

    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('by', sa.String(length=320), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcomes_at'), ['at'], unique=False)
        batch_op.create_index('ix_outcomes_lead_kind', ['lead_id', 'kind'], unique=False)

    op.create_table('touches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('by', sa.String(length=320), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('touches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_touches_at'), ['at'], unique=False)
        batch_op.create_index('ix_touches_lead_at', ['lead_id', 'at'], unique=False)

    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], ),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_state'), ['state'], unique=False)
        batch_op.create_index('ix_actions_state_due', ['state', 'next_attempt_at'], unique=False)

    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('queue', sa.String(length=200), nullable=True),
    sa.Column('assignee', sa.String(length=320), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by', sa.String(length=320), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], ),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_assignee_at', ['assignee', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_queue'), ['queue'], unique=False)

    op.create_table('labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('predicted', sa.Text(), nullable=True),
    sa.Column('corrected', sa.Text(), nullable=True),
    sa.Column('by', sa.String(length=320), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], ),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labels_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_labels_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labels_lead_id'), ['lead_id'], unique=False)

    op.create_table('timers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], ),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', name='uq_timers_key')
    )
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timers_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index('ix_timers_state_due', ['state', 'due_at'], unique=False)



def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_index('ix_timers_state_due')
        batch_op.drop_index(batch_op.f('ix_timers_lead_id'))

    op.drop_table('timers')
    with op.batch_alter_table('labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labels_lead_id'))
        batch_op.drop_index(batch_op.f('ix_labels_decision_id'))
        batch_op.drop_index(batch_op.f('ix_labels_at'))

    op.drop_table('labels')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_queue'))
        batch_op.drop_index(batch_op.f('ix_assignments_lead_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_decision_id'))
        batch_op.drop_index('ix_assignments_assignee_at')

    op.drop_table('assignments')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_state_due')
        batch_op.drop_index(batch_op.f('ix_actions_state'))
        batch_op.drop_index(batch_op.f('ix_actions_lead_id'))
        batch_op.drop_index(batch_op.f('ix_actions_kind'))
        batch_op.drop_index(batch_op.f('ix_actions_decision_id'))

    op.drop_table('actions')
    with op.batch_alter_table('touches', schema=None) as batch_op:
        batch_op.drop_index('ix_touches_lead_at')
        batch_op.drop_index(batch_op.f('ix_touches_at'))

    op.drop_table('touches')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_outcomes_lead_kind')
        batch_op.drop_index(batch_op.f('ix_outcomes_at'))

    op.drop_table('outcomes')
    with op.batch_alter_table('lead_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_state_status'))
        batch_op.drop_index(batch_op.f('ix_lead_state_source'))
        batch_op.drop_index(batch_op.f('ix_lead_state_assignee'))

    op.drop_table('lead_state')
    with op.batch_alter_table('crm_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_records_lead_id'))

    op.drop_table('crm_records')
    op.drop_table('users')
    op.drop_table('queue_state')
