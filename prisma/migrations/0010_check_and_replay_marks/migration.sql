-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "is_check" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "replay_of" TEXT;

-- AlterTable
ALTER TABLE "attempts" ADD COLUMN     "check_item" TEXT;

