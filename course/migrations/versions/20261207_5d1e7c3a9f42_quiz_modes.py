"""course_quiz: mode (formative or summative), when option feedback shows, options shuffled

Existing quizzes become what they always were: formative, feedback texts always shown, options
shuffled only where a question says so.

Revision ID: 5d1e7c3a9f42
Revises: 5d0e7c41a2f6
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7c3a9f42'
down_revision = '5d0e7c41a2f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course_quiz', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=16), nullable=False, server_default='formative'))
        batch_op.add_column(sa.Column('option_feedback', sa.String(length=24), nullable=False,
                                      server_default='always'))
        batch_op.add_column(sa.Column('shuffle_options', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint(op.f('ck_course_quiz_mode'), "mode IN ('formative', 'summative')")
        batch_op.create_check_constraint(op.f('ck_course_quiz_option_feedback'),
                                         "option_feedback IN ('always', 'after_final_attempt', 'never')")


def downgrade():
    with op.batch_alter_table('course_quiz', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_course_quiz_option_feedback'), type_='check')
        batch_op.drop_constraint(op.f('ck_course_quiz_mode'), type_='check')
        batch_op.drop_column('shuffle_options')
        batch_op.drop_column('option_feedback')
        batch_op.drop_column('mode')
