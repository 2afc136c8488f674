import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ContactRequest, type ContactRequestStatus } from './contact-request.entity.js';

/**
 * The status history of a request: who moved it, from what to what, when. Erased with the request. (Plain
 * varchar: TypeORM cannot share the `contact_request_status` enum type between tables.)
 */
@Entity({ name: 'contact_request_status_changes' })
@Index('IDX_contact_request_status_changes_request', ['contactRequestId', 'changedAt'])
export class ContactRequestStatusChange {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  contactRequestId!: string;

  @ManyToOne(() => ContactRequest, { onDelete: 'CASCADE' })
  @JoinColumn()
  contactRequest?: ContactRequest;

  /** Null for the first entry (received). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  fromStatus!: ContactRequestStatus | null;

  @Column({ type: 'varchar', length: 20 })
  toStatus!: ContactRequestStatus;

  /** Null for the person's own submission and for the system. */
  @Column({ type: 'uuid', nullable: true })
  changedBy!: string | null;

  @Column({ type: 'timestamptz' })
  changedAt!: Date;
}
