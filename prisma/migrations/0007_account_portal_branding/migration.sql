-- AlterTable
ALTER TABLE "accounts" ADD COLUMN     "disabled_at" TIMESTAMP(3),
ADD COLUMN     "portal_branding" JSONB;

