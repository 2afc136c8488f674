import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ContactRequest } from './contact-request.entity.js';

/** A staff member's internal note on a request, encrypted like the message. Erased with the request. */
@Entity({ name: 'contact_request_notes' })
@Index('IDX_contact_request_notes_request', ['contactRequestId', 'createdAt'])
export class ContactRequestNote {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid' })
  contactRequestId!: string;

  @ManyToOne(() => ContactRequest, { onDelete: 'CASCADE' })
  @JoinColumn()
  contactRequest?: ContactRequest;

  @Column({ type: 'text' })
  bodyCipher!: string;

  @Column({ type: 'uuid', nullable: true })
  authorId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
