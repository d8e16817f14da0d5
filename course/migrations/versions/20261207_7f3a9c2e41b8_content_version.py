"""course.content_version (raised on every change to what the player shows: the player cache's
key)

Revision ID: 7f3a9c2e41b8
Revises: 7a3e51c0d9b4
Create Date: 2026-12-07 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f3a9c2e41b8'
down_revision = '7a3e51c0d9b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('content_version')
