import { main } from './rollback/main.js';
import { runAction } from './kit/runtime.js';

runAction(main);
