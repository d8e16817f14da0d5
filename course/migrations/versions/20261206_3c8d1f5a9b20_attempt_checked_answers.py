"""attempt: answers checked by the server, and a note when someone else closed it

Revision ID: 3c8d1f5a9b20
Revises: b7e4e4cee6ad
Create Date: 2026-12-06 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c8d1f5a9b20'
down_revision = 'b7e4e4cee6ad'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        # Existing attempts have checked nothing on the server yet.
        batch_op.add_column(sa.Column('checked', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('closed_note', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('closed_note')
        batch_op.drop_column('checked')
