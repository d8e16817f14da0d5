"""course.assessment_retention_years: how long learners' assessment records are kept (UK GDPR)

Revision ID: 7a3c91e0b4d2
Revises: c23212ff6579
Create Date: 2026-12-07 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3c91e0b4d2'
down_revision = 'c23212ff6579'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        # Existing courses get the common awarding-body period; providers set their own.
        batch_op.add_column(sa.Column('assessment_retention_years', sa.Integer(), nullable=False,
                                      server_default='3'))


def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('assessment_retention_years')
