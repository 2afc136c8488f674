import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import { AdminUsersController } from './admin-users.controller.js';
import { demoAdminSeeder } from './demo-admin.seeder.js';
import { ensureInitialAdmin } from './initial-admin.js';
import { USER_PROBLEMS } from './user.problems.js';
import { User } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Feature({
  tag: { name: 'users', description: 'Staff accounts and their roles (admins only).' },
  entities: [User],
  seeders: [demoAdminSeeder],
  problems: USER_PROBLEMS,
  databaseSetup: [ensureInitialAdmin],
  imports: [AuditModule],
  controllers: [AdminUsersController],
  providers: [UsersService, UsersRepository],
  exports: [UsersService, UsersRepository],
})
export class UsersModule {}
