"""course.content_version (raised on every change to what the player shows: the player cache's
key); job.output (the file a report job made, for download)

Revision ID: 7f3a9c2e41b8
Revises: c23212ff6579
Create Date: 2026-12-07 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f3a9c2e41b8'
down_revision = 'c23212ff6579'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('output', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('output')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('content_version')
